-- The coordinators' response list searched in SQL (formkit/storage/listing.py): the
-- folded text of every answer, kept up to date by PostgreSQL itself. The fold is
-- translate() with the same table as listing.FOLD_FROM/FOLD_TO (tests check), so both
-- stores find the same responses; answers are joined with U+0001, which no query holds.
CREATE FUNCTION formkit_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN translate($1,
        'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ',
        'abcdefghijklmnopqrstuvwxyzaaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddđeeeeeeeeeegggggggghhħiiiiiiiiijjkkllllllłnnnnnnŋooooooœrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzs');

CREATE FUNCTION formkit_answer_text(jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(string_agg(v #>> '{}', chr(1)), '')
            FROM jsonb_path_query($1, 'strict $.**') AS v
            WHERE jsonb_typeof(v) = 'string');

ALTER TABLE responses ADD COLUMN search_text text
    GENERATED ALWAYS AS (formkit_fold(formkit_answer_text(answers))) STORED;
