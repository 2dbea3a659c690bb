"""`refrain user create` and `refrain token create`, and the tokens a person manages on their page."""

from sqlalchemy import select, text

from scheduler.cli import cli
from scheduler.models import ApiToken
from scheduler.models.database import db
from scheduler.services import people
from tests.factories import make_person, signed_in


def test_user_create_prints_a_one_time_link_and_never_takes_a_password(app, runner, anonymous):
    made = runner.invoke(cli, ["user", "create", "Ana@Example.com", "--role", "manager", "--name", "Ana"])
    assert made.exit_code == 0, made.output
    link = made.output.strip().splitlines()[-1]
    assert link.startswith("http://") and "/password/" in link
    path = link.removeprefix(app.extensions["refrain.settings"].public_url)
    assert anonymous.post(path, data={"password": "ana's long passphrase"}).status_code == 302
    assert people.by_email("ana@example.com").role == "manager"
    changed = runner.invoke(cli, ["user", "create", "ana@example.com", "--role", "viewer"])
    assert changed.exit_code == 0 and "updated ana@example.com as viewer" in changed.output
    assert "--password" not in runner.invoke(cli, ["user", "create", "--help"]).output


def test_user_create_refuses_bad_input_with_one_line(runner):
    bad_role = runner.invoke(cli, ["user", "create", "ana@example.com", "--role", "admin"])
    assert bad_role.exit_code != 0 and "admin" in bad_role.output
    bad_email = runner.invoke(cli, ["user", "create", "not-an-address", "--role", "viewer"])
    assert bad_email.exit_code != 0 and "email" in bad_email.output and "Traceback" not in bad_email.output


def test_the_last_owner_cannot_be_demoted(runner):
    runner.invoke(cli, ["user", "create", "owner@example.com", "--role", "owner"])
    demoted = runner.invoke(cli, ["user", "create", "owner@example.com", "--role", "viewer"])
    assert demoted.exit_code != 0 and "at least one owner" in demoted.output
    assert people.by_email("owner@example.com").role == "owner"


def test_token_create_prints_the_token_alone_on_the_last_line_and_keeps_only_its_hash(app, runner):
    make_person("ana@example.com", "creator", "Ana")
    made = runner.invoke(cli, ["token", "create", "ana@example.com", "--label", "export script"])
    assert made.exit_code == 0, made.output
    token = made.output.rstrip("\n").splitlines()[-1]
    assert token.startswith("rfn_") and " " not in token and len(token) >= 40
    answer = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["email"] == "ana@example.com"
    dump = "\n".join(str(row) for row in db.session.execute(text("SELECT * FROM api_tokens")))
    assert token not in dump and token[10:] not in dump, "stored as a hash only"
    assert db.session.scalar(select(ApiToken.last_used_at)) is not None, "last used is recorded"


def test_token_create_for_an_unknown_person_fails_with_one_line(runner):
    answer = runner.invoke(cli, ["token", "create", "nobody@example.com"])
    assert answer.exit_code != 0 and "nobody has the address" in answer.output


def test_a_read_only_token_from_the_command_line_only_reads(app, runner):
    make_person("ana@example.com", "owner", "Ana")
    token = runner.invoke(cli, ["token", "create", "ana@example.com", "--read-only"]).output.splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/plans", headers=headers).status_code == 200
    assert app.test_client().delete("/api/v1/posts/1", headers=headers).status_code == 403


def test_a_person_makes_a_token_on_their_page_sees_it_once_and_revokes_it(app):
    person = make_person("wei@example.com", "creator", "Wei")
    page = signed_in(app, person)
    page.post("/me/tokens", data={"label": "my script"})
    shown = page.get("/me").get_data(as_text=True)
    token = shown.split('<code class="token">')[1].split("</code>")[0]
    assert token.startswith("rfn_") and "my script" in shown
    assert token not in page.get("/me").get_data(as_text=True), "shown only once"
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=headers).get_json()["name"] == "Wei"
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == person.id))
    page.post(f"/me/tokens/{row.id}/revoke")
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    other = signed_in(app, make_person("chloe@example.com", "creator", "Chloé"))
    assert other.post(f"/me/tokens/{row.id}/revoke").status_code == 404, "nobody revokes another's token"
