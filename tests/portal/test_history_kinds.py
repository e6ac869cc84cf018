"""The scale dataset's audit trail uses only action names the apps really record: each app declares
its actions once (<app>/actions.py), so a made-up name here would fill history panels and the
evidence certificate with events the services never write."""

import importlib

from portal.registry import history_kinds


def test_every_history_kind_names_only_actions_its_app_declares():
    kinds = history_kinds()
    assert {k.model.split(".")[0] for k in kinds} == {
        "partnerships",
        "memoranda",
        "healthcheck",
        "placements",
        "workforce",
    }
    for kind in kinds:
        declared = {a.value for a in importlib.import_module(kind.model.split(".")[0] + ".actions").Action}
        assert kind.actions and set(kind.actions) <= declared, kind
