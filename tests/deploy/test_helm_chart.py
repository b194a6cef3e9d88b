"""The Helm chart, rendered by Helm's own engine with the default values and with overrides."""

from __future__ import annotations

import json
import os
import re
import tomllib
from typing import Any
from unittest import mock

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions

from bot.settings import Settings
from bot.slack import oauth
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.slack.server import EVENTS_PATH, GRACEFUL_SHUTDOWN_SECONDS
from bot.slack.work_processes import STOP_SECONDS
from tests.deploy.chart import (
    RELEASE,
    Manifest,
    containers,
    helm,
    one,
    pod_templates,
    render,
    render_files,
)
from tests.deploy.support import (
    CHART,
    ROOT,
    SECRET_LOOKING,
    cli_error,
    secret_env_names,
    unknown_env_names,
)
from tests.keys import TEST_KEY

FULLNAME = f"{RELEASE}-lif-coach"
EXTERNAL_CHROMA = "http://chroma.shared-services.svc:8000"
SCENARIOS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "three replicas": {"replicaCount": 3},
    "nudges cron job": {"nudges": {"cronJob": {"enabled": True, "timeZone": "Europe/London"}}},
    "external chroma": {"chroma": {"enabled": False, "externalUrl": EXTERNAL_CHROMA}},
    "embedded chroma": {"chroma": {"enabled": False}},
    "socket mode": {"slack": {"mode": "socket"}},
    "oauth mode": {"slack": {"mode": "oauth"}, "ingress": {"enabled": True}},
    "one database role": {"secrets": {"keys": {"migrationDatabaseUrl": ""}}},
    "chroma disruption budget": {"chroma": {"podDisruptionBudget": {"enabled": True}}},
    "everything on": {
        "ingress": {"enabled": True, "className": "nginx", "tlsSecretName": "lif-coach-tls"},
        "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
        "nudges": {"cronJob": {"enabled": True}},
        "extraEnv": [{"name": "LIF_LLM_MODEL", "value": "openai:gpt-4o-mini"}],
    },
}
scenarios = pytest.mark.parametrize("values", SCENARIOS.values(), ids=SCENARIOS.keys())


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in container.get("env", [])}


def _bot(manifests: list[Manifest]) -> dict[str, Any]:
    return one(manifests, "Deployment")["spec"]["template"]["spec"]["containers"][0]


def _lif_coach_containers(manifests: list[Manifest]) -> list[tuple[str, dict[str, Any]]]:
    """Containers that run the `lif-coach` entrypoint (not the Chroma server's command)."""
    return [(where, c) for where, c in containers(manifests) if "command" not in c]


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


# ---- what the chart renders


def test_helm_lint_reports_nothing_worse_than_info() -> None:
    for values in SCENARIOS.values():
        report = helm.lint(CHART, values, strict=True)
        problems = [m for m in report["messages"] if m["severity"] >= 2] + report["errors"]
        assert problems == [], values


def test_the_defaults_render_the_bot_its_migration_and_a_chroma_server() -> None:
    kinds = sorted(m.kind for m in render())
    assert kinds == [
        "Deployment",
        "Job",  # lif-coach db upgrade
        "Job",  # lif-coach index
        "NetworkPolicy",  # the bot pods
        "NetworkPolicy",  # the Chroma server
        "PodDisruptionBudget",
        "Service",  # the bot
        "Service",  # the Chroma server
        "ServiceAccount",
        "StatefulSet",
    ]


def test_two_replicas_by_default_and_as_many_as_asked() -> None:
    assert one(render(), "Deployment")["spec"]["replicas"] == 2
    assert one(render(SCENARIOS["three replicas"]), "Deployment")["spec"]["replicas"] == 3


def test_the_image_defaults_to_the_charts_app_version() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert _bot(render())["image"] == f"lif-coach:{chart['appVersion']}"


def test_the_charts_app_version_is_the_packages_version() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert chart["appVersion"] == project["version"]


def test_the_probes_and_metrics_have_a_port_of_their_own_apart_from_slacks() -> None:
    manifests = render(SCENARIOS["everything on"])
    bot = _bot(manifests)
    assert bot["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert bot["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert bot["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    ports = {p["name"]: p["containerPort"] for p in bot["ports"]}
    assert _env(bot)["PORT"]["value"] == str(ports["http"])
    assert _env(bot)["LIF_METRICS_PORT"]["value"] == str(ports["metrics"])
    assert ports["metrics"] != ports["http"]
    service = one(manifests, "Service", FULLNAME)["spec"]["ports"]
    assert {p["name"]: p["targetPort"] for p in service} == {"http": "http", "metrics": "metrics"}
    monitor = one(manifests, "ServiceMonitor")["spec"]["endpoints"]
    assert [(e["port"], e["path"]) for e in monitor] == [("metrics", "/metrics")]
    ingress = one(manifests, "Ingress")["spec"]["rules"][0]["http"]["paths"]
    assert {p["backend"]["service"]["port"]["name"] for p in ingress} == {"http"}


def test_a_stopping_pod_has_time_for_each_stage_of_its_shutdown_before_it_is_killed() -> None:
    pod = one(render(), "Deployment")["spec"]["template"]["spec"]
    pause = pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"]
    stages = int(pause[-1]) + GRACEFUL_SHUTDOWN_SECONDS + STOP_SECONDS  # in flight, then queued
    assert pod["terminationGracePeriodSeconds"] >= stages


def test_the_migration_runs_as_a_job_before_install_and_upgrade() -> None:
    job = one(render(), "Job", f"{FULLNAME}-migrate")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["db", "upgrade"]


def test_the_index_job_runs_after_install_and_upgrade() -> None:
    job = one(render(), "Job", f"{FULLNAME}-index")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["index"]


def test_the_nudges_cron_job_is_off_by_default_and_sends_due_nudges_when_on() -> None:
    assert not [m for m in render() if m.kind == "CronJob"]
    cron = one(render(SCENARIOS["nudges cron job"]), "CronJob")
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["timeZone"] == "Europe/London"
    container = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["nudges", "send-due"]
    assert "secretKeyRef" in _env(container)["SLACK_BOT_TOKEN"]["valueFrom"]


def test_the_bot_uses_the_releases_chroma_server_by_default() -> None:
    manifests = render()
    url = f"http://{FULLNAME}-chroma:8000"
    assert _env(_bot(manifests))["LIF_CHROMA_URL"]["value"] == url
    service = one(manifests, "Service", f"{FULLNAME}-chroma")
    assert service["spec"]["ports"][0]["port"] == 8000
    server = one(manifests, "StatefulSet")["spec"]["template"]["spec"]["containers"][0]
    assert server["command"] == ["chroma"]
    args = server["args"]
    assert args[:2] == ["run", "--path"] and args[args.index("--port") + 1] == "8000"


def test_an_external_chroma_url_replaces_the_server() -> None:
    manifests = render(SCENARIOS["external chroma"])
    assert "StatefulSet" not in {m.kind for m in manifests}
    assert f"{FULLNAME}-chroma" not in {m.name for m in manifests}
    for where, container in _lif_coach_containers(manifests):
        assert _env(container)["LIF_CHROMA_URL"]["value"] == EXTERNAL_CHROMA, where


def test_without_any_chroma_server_each_pod_keeps_an_embedded_index() -> None:
    manifests = render(SCENARIOS["embedded chroma"])
    assert "StatefulSet" not in {m.kind for m in manifests}
    assert f"{FULLNAME}-index" not in {m.name for m in manifests}
    assert "LIF_CHROMA_URL" not in _env(_bot(manifests))
    notes = render_files(SCENARIOS["embedded chroma"])["lif-coach/templates/NOTES.txt"]
    assert "embedded index" in notes


def test_socket_mode_uses_the_app_token_and_no_signing_secret() -> None:
    env = _env(_bot(render(SCENARIOS["socket mode"])))
    assert "secretKeyRef" in env["SLACK_APP_TOKEN"]["valueFrom"]
    assert "SLACK_SIGNING_SECRET" not in env
    assert "SLACK_APP_TOKEN" not in _env(_bot(render()))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"slack": {"mode": "socket"}, "replicaCount": 10}, "at most 9"),
        ({"slack": {"mode": "socket"}, "ingress": {"enabled": True}}, "no public endpoint"),
        ({"slack": {"mode": "webhook"}}, "use http, oauth or socket"),
        ({"metricsPort": 3000}, "a port other than containerPort"),
        ({"chroma": {"externalUrl": EXTERNAL_CHROMA}}, "not both"),
        ({"secrets": {"existingSecret": ""}}, "secrets.existingSecret"),
    ],
)
def test_contradictory_values_stop_the_render_with_a_reason(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(helm.HelmRenderError, match=re.escape(message)):
        render(values)


def test_the_ingress_exposes_only_slacks_endpoint() -> None:
    ingress = one(render(SCENARIOS["everything on"]), "Ingress")
    paths = [path for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    assert [(p["path"], p["pathType"]) for p in paths] == [("/slack/events", "Exact")]
    assert paths[0]["backend"]["service"] == {"name": FULLNAME, "port": {"name": "http"}}
    assert ingress["spec"]["tls"][0]["secretName"] == "lif-coach-tls"


def test_selectors_find_the_pods_they_are_meant_for() -> None:
    manifests = render(SCENARIOS["everything on"])
    deployment = one(manifests, "Deployment")["spec"]
    bot_labels = deployment["template"]["metadata"]["labels"]
    assert _matches(deployment["selector"]["matchLabels"], bot_labels)
    service = one(manifests, "Service", FULLNAME)
    assert _matches(service["spec"]["selector"], bot_labels)
    budget = one(manifests, "PodDisruptionBudget")["spec"]
    assert _matches(budget["selector"]["matchLabels"], bot_labels)
    monitor = one(manifests, "ServiceMonitor")["spec"]
    assert _matches(monitor["selector"]["matchLabels"], service["metadata"]["labels"])
    assert monitor["endpoints"][0] == {"port": "metrics", "path": "/metrics", "interval": "30s"}
    chroma_labels = one(manifests, "StatefulSet")["spec"]["template"]["metadata"]["labels"]
    policy = one(manifests, "NetworkPolicy", f"{FULLNAME}-chroma")["spec"]
    assert _matches(policy["podSelector"]["matchLabels"], chroma_labels)
    allowed = policy["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
    for where, template in pod_templates(manifests):
        assert _matches(allowed, template["metadata"]["labels"]), f"{where} cannot reach Chroma"


def _settings_from(container: dict[str, Any]) -> Settings:
    """The Settings a container's environment gives (each secret read as a dummy value)."""
    env = {
        name: entry.get("value", f"{name.lower()}-from-the-secret")
        for name, entry in _env(container).items()
    }
    env["LIF_DATABASE_URL"] = "postgresql://lif@db.example:5432/lif"
    env["LIF_ENCRYPTION_KEY"] = TEST_KEY
    mine = {k: v for k, v in os.environ.items() if not k.startswith(("LIF_", "SLACK_"))}
    with mock.patch.dict(os.environ, mine | env, clear=True):
        return Settings()


def test_oauth_mode_takes_the_client_id_and_secret_from_the_secret_and_no_bot_token() -> None:
    manifests = render(SCENARIOS["oauth mode"] | {"nudges": {"cronJob": {"enabled": True}}})
    cron = one(manifests, "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    for container in (_bot(manifests), cron["containers"][0]):  # the check-ins too
        env = _env(container)
        assert env["SLACK_CLIENT_ID"]["valueFrom"]["secretKeyRef"]["key"] == "slack-client-id"
        secret_key = env["SLACK_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"]["key"]
        assert secret_key == "slack-client-secret"
        assert "secretKeyRef" in env["SLACK_SIGNING_SECRET"]["valueFrom"]
        assert {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"}.isdisjoint(env)
        assert oauth.is_oauth_mode(_settings_from(container)), "the bot runs the install flow"
    assert not oauth.is_oauth_mode(_settings_from(_bot(render())))
    ingress = one(manifests, "Ingress")["spec"]["rules"][0]["http"]["paths"]
    paths = [(p["path"], p["pathType"]) for p in ingress]
    assert paths == [(path, "Exact") for path in (EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH)]
    notes = render_files(SCENARIOS["oauth mode"])["lif-coach/templates/NOTES.txt"]
    assert "https://lif-coach.example.org/slack/install" in notes


def test_pods_check_the_schema_and_only_the_migration_job_connects_as_its_owner() -> None:
    manifests = render({"nudges": {"cronJob": {"enabled": True}}})
    migrate = one(manifests, "Job", f"{FULLNAME}-migrate")["spec"]["template"]["spec"]
    owner = _env(migrate["containers"][0])["LIF_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert owner == {"name": "lif-coach", "key": "migration-database-url"}
    others = [(w, c) for w, c in _lif_coach_containers(manifests) if "migrate" not in w]
    assert len(others) == 3  # the bot, the index Job, the nudges CronJob
    for where, container in others:
        env = _env(container)
        role = env["LIF_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
        assert role == {"name": "lif-coach", "key": "database-url"}, where
        assert env["LIF_MIGRATE_ON_START"]["value"] == "false", where
        assert _settings_from(container).migrate_on_start is False, where
    one_role = render(SCENARIOS["one database role"])
    migrate = one(one_role, "Job", f"{FULLNAME}-migrate")["spec"]["template"]["spec"]
    assert _env(migrate["containers"][0])["LIF_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "lif-coach",
        "key": "database-url",
    }
    on_start = _env(_bot(render({"migrations": {"onStart": True}})))
    assert on_start["LIF_MIGRATE_ON_START"]["value"] == "true"


def _bot_policy(manifests: list[Manifest]) -> dict[str, Any]:
    return one(manifests, "NetworkPolicy", FULLNAME)["spec"]


def _ports(rule: dict[str, Any]) -> list[tuple[int, str]]:
    return [(port["port"], port["protocol"]) for port in rule["ports"]]


def test_the_bot_pods_take_slack_from_the_ingress_controller_and_metrics_from_monitoring() -> None:
    manifests = render()
    policy = _bot_policy(manifests)
    bot_labels = one(manifests, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert _matches(policy["podSelector"]["matchLabels"], bot_labels)
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    slack_in, metrics_in = policy["ingress"]
    assert _ports(slack_in) == [(3000, "TCP")]
    controller = {"kubernetes.io/metadata.name": "ingress-nginx"}
    assert slack_in["from"] == [{"namespaceSelector": {"matchLabels": controller}}]
    assert _ports(metrics_in) == [(9090, "TCP")]
    monitoring = {"kubernetes.io/metadata.name": "monitoring"}
    assert metrics_in["from"] == [{"namespaceSelector": {"matchLabels": monitoring}}]
    socket = _bot_policy(render(SCENARIOS["socket mode"]))
    assert [_ports(rule) for rule in socket["ingress"]] == [[(9090, "TCP")]], "no Slack port"
    assert not [
        m
        for m in render({"networkPolicy": {"enabled": False}})
        if m.name == FULLNAME and m.kind == "NetworkPolicy"
    ]


def test_the_bot_pods_reach_only_dns_postgresql_chroma_and_https() -> None:
    manifests = render()
    dns, postgresql, chroma, https = _bot_policy(manifests)["egress"]
    assert _ports(dns) == [(53, "UDP"), (53, "TCP")] and "to" not in dns
    assert _ports(postgresql) == [(5432, "TCP")]
    assert _ports(chroma) == [(8000, "TCP")]
    chroma_labels = one(manifests, "StatefulSet")["spec"]["template"]["metadata"]["labels"]
    assert _matches(chroma["to"][0]["podSelector"]["matchLabels"], chroma_labels)
    assert _ports(https) == [(443, "TCP")]
    external = _bot_policy(render(SCENARIOS["external chroma"]))["egress"]
    assert [_ports(rule) for rule in external] == [
        [(53, "UDP"), (53, "TCP")],
        [(5432, "TCP")],
        [(8000, "TCP")],
        [(443, "TCP")],
    ]
    assert "to" not in external[2], "an external server's address is the operator's to narrow"
    embedded = _bot_policy(render(SCENARIOS["embedded chroma"]))["egress"]
    assert [_ports(rule) for rule in embedded] == [
        [(53, "UDP"), (53, "TCP")],
        [(5432, "TCP")],
        [(443, "TCP")],
    ]
    database = [{"ipBlock": {"cidr": "10.20.0.0/24"}}]
    narrowed = render({"networkPolicy": {"egress": {"postgresql": {"to": database}}}})
    assert _bot_policy(narrowed)["egress"][1]["to"] == database


def test_the_chroma_pod_may_get_a_disruption_budget_but_not_by_default() -> None:
    assert [m.name for m in render() if m.kind == "PodDisruptionBudget"] == [FULLNAME]
    manifests = render(SCENARIOS["chroma disruption budget"])
    budget = one(manifests, "PodDisruptionBudget", f"{FULLNAME}-chroma")["spec"]
    assert budget["minAvailable"] == 1
    chroma_labels = one(manifests, "StatefulSet")["spec"]["template"]["metadata"]["labels"]
    bot_labels = one(manifests, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert _matches(budget["selector"]["matchLabels"], chroma_labels)
    assert not _matches(budget["selector"]["matchLabels"], bot_labels)


# ---- properties every scenario keeps


@scenarios
def test_every_pod_runs_as_a_non_root_user_on_a_read_only_root(values: dict[str, Any]) -> None:
    manifests = render(values)
    for where, template in pod_templates(manifests):
        spec = template["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["runAsUser"] > 0, where
        assert spec["automountServiceAccountToken"] is False, where
    for where, container in containers(manifests):
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True, where
        assert context["allowPrivilegeEscalation"] is False, where
        assert context["capabilities"]["drop"] == ["ALL"], where
        assert "/tmp" in {mount["mountPath"] for mount in container["volumeMounts"]}, where
    for where, container in _lif_coach_containers(manifests):
        assert "/data" in {mount["mountPath"] for mount in container["volumeMounts"]}, where


@scenarios
def test_secrets_come_only_from_the_existing_secret(values: dict[str, Any]) -> None:
    manifests = render(values)
    assert "Secret" not in {m.kind for m in manifests}, "the chart must not carry secrets"
    for where, container in containers(manifests):
        for name, entry in _env(container).items():
            if name in secret_env_names():
                assert entry["valueFrom"]["secretKeyRef"]["name"] == "lif-coach", where
                assert "value" not in entry, where
    for template, text in render_files(values).items():
        assert not SECRET_LOOKING.search(text), f"{template} holds something like a secret"


def test_a_secret_in_config_or_extra_env_is_refused() -> None:
    with pytest.raises(helm.HelmRenderError, match="config.SLACK_BOT_TOKEN"):
        render({"config": {"SLACK_BOT_TOKEN": "xoxb-not-here"}})
    with pytest.raises(helm.HelmRenderError, match="extraEnv LIF_LLM_API_KEY"):
        render({"extraEnv": [{"name": "LIF_LLM_API_KEY", "value": "sk-not-here"}]})


@scenarios
def test_every_environment_variable_is_a_setting(values: dict[str, Any]) -> None:
    for where, container in containers(render(values)):
        assert unknown_env_names(_env(container)) == [], where


@scenarios
def test_every_lif_coach_command_exists_in_the_cli(values: dict[str, Any]) -> None:
    for where, container in _lif_coach_containers(render(values)):
        assert cli_error(container["args"]) is None, f"{where}: lif-coach {container['args']}"


@pytest.mark.parametrize("kubernetes", [all_versions()[0], all_versions()[-1]])
def test_manifests_match_the_kubernetes_schemas(kubernetes: str) -> None:
    """Every object any scenario renders, against the oldest and newest schemas at hand."""
    unique = {
        json.dumps(manifest.body, sort_keys=True): manifest
        for values in SCENARIOS.values()
        for manifest in render(values)
        if manifest.kind != "ServiceMonitor"  # a CRD, not in Kubernetes' own schemas
    }
    for manifest in unique.values():
        try:
            kubernetes_validate.validate(manifest.body, kubernetes, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{manifest.template}: {error}")


# ---- values.yaml is documented


def test_every_value_has_a_comment() -> None:
    """Each value in values.yaml has a comment right above it or above a key that holds it."""
    lines = (CHART / "values.yaml").read_text().splitlines()
    keys = [(n, line) for n, line in enumerate(lines) if re.match(r"^\s*[A-Za-z_][\w-]*:", line)]
    documented_parents: list[tuple[int, bool]] = []  # (indent, documented) of enclosing keys
    undocumented = []
    for number, line in keys:
        indent = len(line) - len(line.lstrip())
        while documented_parents and documented_parents[-1][0] >= indent:
            documented_parents.pop()
        above = next((lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), "")
        documented = above.lstrip().startswith("#") or any(d for _, d in documented_parents)
        is_leaf = bool(line.split(":", 1)[1].strip())
        if is_leaf and not documented:
            undocumented.append(f"values.yaml:{number + 1}: {line.strip()}")
        documented_parents.append((indent, documented))
    assert undocumented == []


def test_every_lif_coach_container_runs_in_production_with_the_key_from_the_secret() -> None:
    # Without a key a development process makes one in its data folder, an emptyDir here:
    # a restarted pod would then be unable to read anything it had stored.
    for where, container in _lif_coach_containers(
        render({"nudges": {"cronJob": {"enabled": True}}})
    ):
        env = _env(container)
        assert env["LIF_ENVIRONMENT"]["value"] == "production", where
        ref = env["LIF_ENCRYPTION_KEY"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "lif-coach", "key": "encryption-key"}, where
