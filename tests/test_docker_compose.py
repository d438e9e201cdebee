import subprocess
from pathlib import Path

import yaml

from tests.services import system_tool

ROOT = Path(__file__).resolve().parent.parent


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_five_services_each_with_a_health_check():
    services = load()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_web_worker_beat_share_one_image_and_environment():
    services = load()["services"]
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    envs = [services[name]["environment"] for name in ("web", "worker", "beat")]
    assert len(images) == 1
    assert envs[0] == envs[1] == envs[2]
    assert envs[0]["DEBUG"] == "0"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_docker_compose_validates():
    result = subprocess.run(
        [system_tool("docker-compose"), "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"SECRET_KEY": "x" * 60, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
