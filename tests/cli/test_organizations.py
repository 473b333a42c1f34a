"""``pim org create`` and ``pim token create``."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from api.database import public_session
from api.tenants.models import Organization, User
from api.tenants.service import get_org
from tests.cli.conftest import fresh_slug


def _org(slug: str) -> Organization | None:
    with public_session() as db:
        return get_org(db, slug)


def test_org_create_makes_an_organisation_named_after_its_slug(run):
    number = uuid.uuid4().int % 10**9
    slug = f"acme-garden-{number}"
    done = run("org", "create", slug)
    assert (done.code, done.err) == (0, "")
    assert done.out == f"organisation {slug} created 'Acme Garden {number}'\n"
    org = _org(slug)
    assert org is not None and not org.pim_enabled


def test_org_create_enables_pim_and_records_the_base_url(run):
    slug = fresh_slug()
    done = run(
        "org", "create", slug, "--name", "Acme Tools", "--enable-pim",
        "--base-url", "https://shop.example/",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        f"organisation {slug} created 'Acme Tools'",
        "PIM enabled",
        "public base URL: https://shop.example",
    ]
    org = _org(slug)
    assert org is not None and org.pim_enabled and org.name == "Acme Tools"
    assert org.settings["site"]["base_url"] == "https://shop.example"


def test_org_create_again_changes_nothing_and_succeeds(run):
    slug = fresh_slug()
    assert run("org", "create", slug, "--name", "Acme").code == 0
    again = run("org", "create", slug, "--name", "Acme", "--enable-pim")
    assert again.code == 0, again.err
    assert again.out.splitlines() == [
        f"organisation {slug} already exists: 'Acme'",
        "PIM enabled",
    ]
    assert run("org", "create", slug).out.splitlines() == [
        f"organisation {slug} already exists: 'Acme'"
    ]
    assert run("org", "create", slug, "--enable-pim").out.splitlines()[1] == (
        "PIM already enabled"
    )
    with public_session() as db:
        count = db.scalar(
            select(func.count())
            .select_from(Organization)
            .where(Organization.slug == slug)
        )
    assert count == 1


def test_org_create_under_another_name_fails(run):
    slug = fresh_slug()
    assert run("org", "create", slug, "--name", "Acme").code == 0
    done = run("org", "create", slug, "--name", "Other Co")
    assert done.code == 1
    assert done.err == (
        f"error: Organisation {slug!r} already exists, named 'Acme', not "
        "'Other Co'. (organization_exists)\n"
    )
    assert _org(slug).name == "Acme"


BASE_URL_EXPECTED = "Expected an absolute http(s) address such as https://shop.example."
NAME_EXPECTED = "Expected one line of at most 200 characters."


def _bad_base_url(url: str, problem: str) -> tuple[list[str], str]:
    return (
        ["ok-slug", "--base-url", url],
        (
            f"$.site.base_url: {url!r} is not a public base URL: {problem}. "
            f"{BASE_URL_EXPECTED} (invalid_base_url)"
        ),
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Bad_Slug"],
            (
                "$.slug: Organisation slug 'Bad_Slug' is not valid. Expected "
                "lowercase letters, digits and inner hyphens, at most 48 "
                "characters. (invalid_slug)"
            ),
        ),
        _bad_base_url("ftp://shop.example", "its scheme must be http or https"),
        _bad_base_url(
            "https://shop.example/?a=1",
            "it may not carry a query (?) or a fragment (#)",
        ),
        _bad_base_url(
            "https://shop example", "it contains a space or a control character"
        ),
        _bad_base_url(
            'http://evil.example/"><script>',
            "its path may hold only URL characters, no quotes or brackets",
        ),
        _bad_base_url(
            "https://shop.example/a'b",
            "its path may hold only URL characters, no quotes or brackets",
        ),
        _bad_base_url(
            'http://evil"><script>.example/',
            "it needs a host name or IP address, without a user part",
        ),
        _bad_base_url(
            "https://user@shop.example",
            "it needs a host name or IP address, without a user part",
        ),
        _bad_base_url(
            "https://", "it needs a host name or IP address, without a user part"
        ),
        _bad_base_url("shop.example", "its scheme must be http or https"),
        _bad_base_url("https://shop.example:70000", "its port must be from 1 to 65535"),
        _bad_base_url(
            "https://shop.exa\tmple", "it contains a space or a control character"
        ),
        (
            ["ok-slug", "--name", "Acme\nTools"],
            (
                "$.name: Organisation name 'Acme\\nTools' contains the control "
                f"character U+000A at position 5. {NAME_EXPECTED} (invalid_name)"
            ),
        ),
        (
            ["ok-slug", "--name", "Acme\x1b[31m"],
            (
                "$.name: Organisation name 'Acme\\x1b[31m' contains the control "
                f"character U+001B at position 5. {NAME_EXPECTED} (invalid_name)"
            ),
        ),
        (
            ["ok-slug", "--name", "A" * 201],
            (
                f"$.name: Organisation name {'A' * 60 + '…'!r} is 201 characters "
                f"long; at most 200 fit. {NAME_EXPECTED} (invalid_name)"
            ),
        ),
    ],
)
def test_org_create_refuses_bad_input_in_one_line(run, database, args, message):
    done = run("org", "create", *args)
    assert (done.code, done.out, done.err) == (1, "", f"error: {message}\n")
    assert _org(args[0]) is None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("HTTPS://Shop.Example/", "https://shop.example"),
        ("http://127.0.0.1:8080/catalog/", "http://127.0.0.1:8080/catalog"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://bücher.example/", "https://xn--bcher-kva.example"),
        ("https://shop.example/a%20b/", "https://shop.example/a%20b"),
    ],
)
def test_org_create_stores_the_base_url_normalised(run, given, stored):
    slug = fresh_slug()

    done = run("org", "create", slug, "--base-url", given)

    assert done.code == 0, done.err
    assert done.out.splitlines()[-1] == f"public base URL: {stored}"
    assert _org(slug).settings["site"]["base_url"] == stored


def test_org_create_accepts_a_name_of_two_hundred_characters(run):
    slug = fresh_slug()
    name = "Ä" * 200

    done = run("org", "create", slug, "--name", f"  {name} ")

    assert done.code == 0, done.err
    assert _org(slug).name == name


def test_token_for_an_unknown_organisation_points_to_org_create(run, database):
    done = run("token", "create", "--org", "nowhere", "--email", "a@b.example")
    assert done.code == 1
    assert done.err == (
        "error: No organisation 'nowhere' exists; create it with: "
        "pim org create nowhere (organization_not_found)\n"
    )


def test_token_works_for_an_organisation_made_by_org_create(run):
    slug = fresh_slug()
    assert run("org", "create", slug).code == 0
    done = run("token", "create", "--org", slug, "--email", "Ops@Example.COM")
    assert done.code == 0, done.err
    assert done.out.startswith("pim_") and done.out.count("\n") == 1
    with public_session() as db:
        assert db.scalar(select(User).where(User.email == "ops@example.com"))


@pytest.mark.parametrize(
    ("email", "problem"),
    [
        ("a b@c.example", "invalid characters before the @-sign: SPACE"),
        ("a@@b.example", "The part after the @-sign contains invalid characters"),
        ("a\x01@b.example", "invalid characters before the @-sign: U+0001"),
        ("no-at-sign", "An email address must have an @-sign"),
        ("a@b", "The part after the @-sign is not valid. It should have a period"),
    ],
)
def test_token_refuses_an_address_that_is_not_an_email(run, email, problem):
    slug = fresh_slug()
    assert run("org", "create", slug).code == 0
    done = run("token", "create", "--org", slug, "--email", email)
    assert (done.code, done.out) == (1, "")
    assert done.err.count("\n") == 1
    assert done.err.startswith(f"error: $.email: {email!r} is not an email address: ")
    assert problem in done.err and done.err.endswith("(invalid_email)\n")
    with public_session() as db:
        stored = db.scalar(select(func.count()).select_from(User).where(
            User.email == email.strip().lower()
        ))  # fmt: skip
    assert stored == 0
