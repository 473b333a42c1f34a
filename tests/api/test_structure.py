"""Catalog structure upserts: the status says what happened, codes are checked."""

from __future__ import annotations

import pytest

API = "/api/v1/pim"


@pytest.mark.parametrize(
    ("kind", "body", "change"),
    [
        ("attributes", {"code": "size", "type": "text"}, {"sort_order": 3}),
        ("families", {"code": "desks"}, {"labels": {"en_US": "Desks"}}),
        ("categories", {"code": "rooms"}, {"labels": {"en_US": "Rooms"}}),
        (
            "channels",
            {"code": "shop", "locales": ["en_US"], "currencies": ["EUR"]},
            {"locales": ["en_US", "zh_Hans_CN"]},
        ),
    ],
)
def test_upserts_answer_201_on_create_and_200_on_update(
    client, org, kind, body, change
) -> None:
    created = client.post(f"{API}/{kind}", json=body, headers=org.headers)
    assert created.status_code == 201, created.text
    updated = client.post(f"{API}/{kind}", json={**body, **change}, headers=org.headers)
    assert updated.status_code == 200, updated.text
    for key, value in change.items():
        assert updated.json()[key] == value


def test_a_seeded_channel_is_updated_not_created(client, org) -> None:
    body = {"code": "web", "locales": ["en_US"], "currencies": ["EUR"]}
    response = client.post(f"{API}/channels", json=body, headers=org.headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("locales", "path", "code"),
    [
        (["en_US", "fr_FR", "en_us"], "$.locales[2]", "duplicate_locale"),
        (["en_US", "EN_US"], "$.locales[1]", "duplicate_locale"),
        (["en_US", "english"], "$.locales[1]", "invalid_locale"),
        (["en_us"], "$.locales[0]", "invalid_locale"),
        (["zh_hans_CN"], "$.locales[0]", "invalid_locale"),
        (["en_US_POSIX"], "$.locales[0]", "invalid_locale"),
        (["e"], "$.locales[0]", "invalid_locale"),
    ],
)
def test_channel_locales_are_checked(client, org, locales, path, code) -> None:
    body = {"code": "shop", "locales": locales, "currencies": ["EUR"]}
    response = client.post(f"{API}/channels", json=body, headers=org.headers)
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [(path, code)]
    channels = client.get(f"{API}/channels", headers=org.headers).json()
    assert "shop" not in {c["code"] for c in channels}


def test_duplicate_locale_names_its_twin(client, org) -> None:
    locales = ["en_US", "fr_FR", "en_us"]
    body = {"code": "shop", "locales": locales, "currencies": ["EUR"]}
    error = client.post(f"{API}/channels", json=body, headers=org.headers).json()
    assert error["errors"][0]["message"] == (
        "Locale 'en_us' differs from 'en_US' at $.locales[0] only by case."
    )


@pytest.mark.parametrize(
    "locales", [["en_US"], ["zh_Hans_CN", "sr_Latn"], ["es_419"], ["fil_PH", "de"]]
)
def test_well_formed_locales_are_taken(client, org, locales) -> None:
    body = {"code": "shop", "locales": locales, "currencies": ["EUR"]}
    response = client.post(f"{API}/channels", json=body, headers=org.headers)
    assert response.status_code == 201, response.text
    assert response.json()["locales"] == locales
