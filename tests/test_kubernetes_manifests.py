"""deploy/kubernetes/: the kustomize base and the production overlay are valid Kubernetes objects.

Validated offline with kubernetes-validate against the newest Kubernetes version it knows. The
overlay is rendered by a small kustomize subset below (resources, namespace, labels, images,
strategic-merge patches); when a kustomize binary (or kubectl) is installed its rendering must
name the same objects with the same images and replica counts.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KUBE = ROOT / "deploy" / "kubernetes"
VERSION = kubernetes_validate.latest_version()
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding"}
POD_KINDS = {"Deployment", "Job", "StatefulSet", "DaemonSet"}


def merge(base, patch):
    """Strategic merge, as far as these manifests use it: lists of named items merge by name."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if (
        isinstance(base, list)
        and isinstance(patch, list)
        and all(isinstance(i, dict) and "name" in i for i in patch)
    ):
        out = [dict(i) for i in base]
        for item in patch:
            found = next((n for n, old in enumerate(out) if old.get("name") == item["name"]), None)
            if found is None:
                out.append(copy.deepcopy(item))
            else:
                out[found] = merge(out[found], item)
        return out
    return copy.deepcopy(patch)


def pod_spec(obj):
    if obj["kind"] in POD_KINDS:
        return obj["spec"]["template"]["spec"]
    return None


def render(folder: Path) -> list[dict]:
    config = yaml.safe_load((folder / "kustomization.yaml").read_text())
    objects = []
    for resource in config.get("resources", []):
        path = (folder / resource).resolve()
        if path.is_dir():
            objects += render(path)
        else:
            objects += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    for patch_ref in config.get("patches", []):
        patch = yaml.safe_load((folder / patch_ref["path"]).read_text())
        targets = [
            n
            for n, obj in enumerate(objects)
            if obj["kind"] == patch["kind"] and obj["metadata"]["name"] == patch["metadata"]["name"]
        ]
        assert len(targets) == 1, f"patch {patch_ref['path']} matches {len(targets)} objects"
        objects[targets[0]] = merge(objects[targets[0]], patch)
    for obj in objects:
        metadata = obj.setdefault("metadata", {})
        if config.get("namespace") and obj["kind"] not in CLUSTER_SCOPED:
            metadata["namespace"] = config["namespace"]
        for label_set in config.get("labels", []):
            metadata.setdefault("labels", {}).update(label_set["pairs"])
        spec = pod_spec(obj)
        for image in config.get("images", []):
            for container in (spec or {}).get("containers", []):
                name, _, tag = container["image"].partition(":")
                if name == image["name"]:
                    container["image"] = (
                        f"{image.get('newName', name)}:{image.get('newTag', tag or 'latest')}"
                    )
    return objects


def index(objects):
    return {(obj["kind"], obj["metadata"]["name"]): obj for obj in objects}


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def rendered(request):
    return request.param, render(KUBE / request.param)


def test_every_object_validates_against_current_kubernetes(rendered):
    _name, objects = rendered
    for obj in objects:
        kubernetes_validate.validate(obj, VERSION, strict=True)


def test_the_objects_the_deployment_needs_are_there(rendered):
    _name, objects = rendered
    kinds = index(objects)
    for key in [
        ("Deployment", "portal-web"),
        ("Service", "portal-web"),
        ("Ingress", "portal-web"),
        ("HorizontalPodAutoscaler", "portal-web"),
        ("PodDisruptionBudget", "portal-web"),
        ("Deployment", "portal-worker"),
        ("Deployment", "portal-beat"),
        ("Job", "portal-migrate"),
        ("ConfigMap", "portal-env"),
        ("Secret", "portal-secrets"),
        ("Deployment", "pgbouncer"),
        ("NetworkPolicy", "pooler-from-portal"),
    ]:
        assert key in kinds, key


def test_pods_run_as_non_root_on_a_read_only_filesystem_with_limits(rendered):
    _name, objects = rendered
    for obj in objects:
        spec = pod_spec(obj)
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True, obj["metadata"]["name"]
        for container in spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert {"cpu", "memory"} <= set(container["resources"]["requests"])
            assert {"cpu", "memory"} <= set(container["resources"]["limits"])


def test_web_probes_graceful_shutdown_and_one_beat(rendered):
    _name, objects = rendered
    kinds = index(objects)
    web = pod_spec(kinds["Deployment", "portal-web"])
    container = web["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz/ready"
    gunicorn = (ROOT / "config" / "gunicorn.conf.py").read_text()
    graceful = int(re.search(r'"GUNICORN_GRACEFUL_TIMEOUT", "(\d+)"', gunicorn).group(1))
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert web["terminationGracePeriodSeconds"] > pause + graceful
    beat = kinds["Deployment", "portal-beat"]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"


def test_only_the_pooler_and_the_migration_reach_postgresql(rendered):
    _name, objects = rendered
    policies = [obj for obj in objects if obj["kind"] == "NetworkPolicy"]
    to_postgres = set()
    for policy in policies:
        for rule in policy["spec"].get("egress", []):
            if any(port.get("port") == 5432 for port in rule.get("ports", [])):
                selector = policy["spec"]["podSelector"]
                to_postgres.add(selector.get("matchLabels", {}).get("app.kubernetes.io/component"))
    assert to_postgres == {"pooler", "migrate"}
    config = index(objects)["ConfigMap", "portal-env"]["data"]
    assert config["DATABASE_POOLER"] == "1"


def test_production_overlay_changes_what_it_says():
    base = index(render(KUBE / "base"))
    production = index(render(KUBE / "overlays" / "production"))
    assert set(base) == set(production)
    assert production["Deployment", "portal-web"]["spec"]["replicas"] == 6
    assert production["HorizontalPodAutoscaler", "portal-web"]["spec"]["maxReplicas"] == 24
    web = pod_spec(production["Deployment", "portal-web"])["containers"][0]
    assert web["image"].endswith(":2026.12.0")
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz/live"  # kept from the base


def kustomize_command():
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


@pytest.mark.skipif(kustomize_command() is None, reason="no kustomize or kubectl installed")
@pytest.mark.parametrize("folder", ["base", "overlays/production"])
def test_kustomize_renders_the_same_objects(folder):
    result = subprocess.run(
        [*kustomize_command(), str(KUBE / folder)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    theirs = index(doc for doc in yaml.safe_load_all(result.stdout) if doc)
    ours = index(render(KUBE / folder))
    assert set(theirs) == set(ours)
    for key, obj in theirs.items():
        kubernetes_validate.validate(obj, VERSION, strict=True)
        assert (
            obj["spec"].get("replicas") == ours[key].get("spec", {}).get("replicas")
            if "spec" in obj
            else True
        )
        if pod_spec(obj):
            assert [c["image"] for c in pod_spec(obj)["containers"]] == [
                c["image"] for c in pod_spec(ours[key])["containers"]
            ]
