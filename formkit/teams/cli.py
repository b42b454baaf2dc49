"""``formkit team …``: create teams, list them, add and remove members."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


def _email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.ClickException(str(exc)) from exc


def _team(slug: str):
    from formkit.state import current_store

    team = current_store().find_team(slug)
    if team is None:
        raise click.ClickException(f"no team {slug!r} (see: formkit team list)")
    return team


def _welcome(team, member, link: bool, language: str) -> None:
    """Print the member's one-time link (on the last line), or email it."""
    from formkit.teams import links, roster

    if link:
        click.echo(f"one-time sign-in link for {member.email} (valid {links.LINK_HOURS} "
                   "hours, works once):")
        click.echo(links.url(links.issue(member.email, team)))
    else:
        roster.invite(team, member, language)
        click.echo(f"invitation emailed to {member.email} (through the outbox)")


_LINK = click.option("--link", is_flag=True, help="Print the person's one-time sign-in "
                     "link (last line) instead of emailing an invitation.")
_LANGUAGE = click.option("--language", type=click.Choice(["en", "fr"]), default="en",
                         show_default=True, help="The language of the invitation email.")


@click.group("team")
def team_group() -> None:
    """Manage community teams and their members (see docs/teams.md)."""


@team_group.command("create")
@click.argument("name")
@click.option("--lead", "lead_email", required=True, help="The email of the team's lead.")
@click.option("--lead-name", default="", help="The lead's name (default: from the email).")
@click.option("--community", default="")
@click.option("--region", default="")
@_LINK
@_LANGUAGE
@with_appcontext
def team_create(name: str, lead_email: str, lead_name: str, community: str, region: str,
                link: bool, language: str) -> None:
    """Create a team with its lead."""
    from formkit.storage import StoreError
    from formkit.teams import roster

    try:
        team, lead = roster.create_team(name, _email(lead_email), lead_name, community,
                                        region)
    except (ValueError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created team {team.slug} ({team.name}), lead {lead.email}")
    _welcome(team, lead, link, language)


@team_group.command("list")
@with_appcontext
def team_list() -> None:
    """List teams: slug, name, community, region, members."""
    from formkit.state import current_store

    store = current_store()
    teams = store.list_teams()
    for team in teams:
        members = store.list_members(team.id)
        leads = ", ".join(m.email for m in members if m.is_lead) or "-"
        click.echo(f"{team.slug}\t{team.name}\t{team.community or '-'}\t"
                   f"{team.region or '-'}\t{len(members)} member(s)\tlead: {leads}")
    if not teams:
        click.echo("no teams yet: formkit team create NAME --lead EMAIL")


@team_group.command("add-member")
@click.argument("slug")
@click.argument("email")
@click.option("--name", default="", help="The person's name (default: from the email).")
@click.option("--lead", is_flag=True, help="As a lead of the team.")
@_LINK
@_LANGUAGE
@with_appcontext
def team_add_member(slug: str, email: str, name: str, lead: bool, link: bool,
                    language: str) -> None:
    """Add a person to a team."""
    from formkit.storage import LEAD, MEMBER, StoreError
    from formkit.teams import roster

    team = _team(slug)
    try:
        member = roster.add_member(team, _email(email), name, LEAD if lead else MEMBER)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added {member.email} to {team.slug} as {member.role}")
    _welcome(team, member, link, language)


@team_group.command("remove-member")
@click.argument("slug")
@click.argument("email")
@with_appcontext
def team_remove_member(slug: str, email: str) -> None:
    """Remove a person from a team (their sessions end; their past work keeps their
    name)."""
    from formkit.teams import roster

    team = _team(slug)
    member = roster.find_member(team, email)
    if member is None:
        raise click.ClickException(f"{email} is not a member of {team.slug}")
    roster.remove_member(team, member)
    click.echo(f"removed {member.email} from {team.slug}")
