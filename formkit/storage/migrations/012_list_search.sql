-- The coordinators' response list in SQL (formkit/storage/listing.py, postgres_listing.py).
-- PostgreSQL keeps, from the answers, what the list searches and sorts by, folded
-- without case or accents: the fold is translate() with the very table of
-- listing.FOLD_FROM/FOLD_TO (tests check), so both stores find and order alike. Folding
-- at write time keeps it off the list's reads (translate() with this table costs ~35 µs
-- a value: 3.5 s to sort 100,000 responses).

-- ASCII text (most of it) needs no table: lower() under "C" changes A-Z only.
CREATE FUNCTION formkit_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN octet_length($1) = length($1) THEN lower($1 COLLATE "C")
                ELSE translate($1,
        'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ',
        'abcdefghijklmnopqrstuvwxyzaaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddđeeeeeeeeeegggggggghhħiiiiiiiiijjkkllllllłnnnnnnŋooooooœrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzs') END;

-- Every text inside the answers, joined with U+0001 (which no query holds).
CREATE FUNCTION formkit_answer_text(jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(string_agg(v #>> '{}', chr(1)), '')
            FROM jsonb_path_query($1, 'strict $.**') AS v
            WHERE jsonb_typeof(v) = 'string');

-- Each answer but numbers, folded: text as it is, anything else as its JSON text.
CREATE FUNCTION formkit_sort_text(jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(jsonb_object_agg(key, formkit_fold(
                       CASE jsonb_typeof(value) WHEN 'string' THEN value #>> '{}'
                       ELSE value::text END)), '{}')
            FROM jsonb_each($1) WHERE jsonb_typeof(value) <> 'number');

ALTER TABLE responses
    ADD COLUMN search_text text
        GENERATED ALWAYS AS (formkit_fold(formkit_answer_text(answers))) STORED,
    ADD COLUMN sort_text jsonb
        GENERATED ALWAYS AS (formkit_sort_text(answers)) STORED;
