"""Renders the Helm chart offline with Helm's own engine (helm-python-sdk, Helm's Go SDK
through ctypes), so the tests check what `helm install` would send to the cluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
import yaml

from tests.deploy.support import CHART

helm = pytest.importorskip(
    "helm_python", reason="helm-python-sdk (in the dev extra) renders the chart without helm"
)

RELEASE = "coach"
NAMESPACE = "lif"


@dataclass(frozen=True)
class Manifest:
    """One rendered Kubernetes object and the template it came from."""

    template: str
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        """The object's kind, e.g. Deployment."""
        return str(self.body["kind"])

    @property
    def name(self) -> str:
        """The object's metadata.name."""
        return str(self.body["metadata"]["name"])


@cache
def _render(values_json: str) -> dict[str, str]:
    with helm.Chart.load(CHART) as chart:
        return chart.render(json.loads(values_json), name=RELEASE, namespace=NAMESPACE)


def render_files(values: dict[str, Any] | None = None) -> dict[str, str]:
    """Template path -> rendered text, with these values over the chart's defaults."""
    return _render(json.dumps(values or {}, sort_keys=True))


def render(values: dict[str, Any] | None = None) -> list[Manifest]:
    """Every object the chart renders with these values, parsed with PyYAML."""
    manifests = []
    for template, text in sorted(render_files(values).items()):
        if template.endswith(".yaml"):
            manifests += [Manifest(template, body) for body in yaml.safe_load_all(text) if body]
    return manifests


def one(manifests: list[Manifest], kind: str, name: str | None = None) -> dict[str, Any]:
    """The body of the only object of this kind (and name)."""
    found = [m.body for m in manifests if m.kind == kind and (name is None or m.name == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def pod_templates(manifests: list[Manifest]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind/name, pod template) of every workload: Deployments, StatefulSets, Jobs, CronJobs."""
    for manifest in manifests:
        spec = manifest.body.get("spec", {})
        if manifest.kind == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        if "template" in spec:
            yield f"{manifest.kind}/{manifest.name}", spec["template"]


def containers(manifests: list[Manifest]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind/name/container, container) of every container and init container."""
    for where, template in pod_templates(manifests):
        spec = template["spec"]
        for container in spec.get("initContainers", []) + spec["containers"]:
            yield f"{where}/{container['name']}", container
