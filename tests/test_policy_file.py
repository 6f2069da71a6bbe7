"""The shared policy file: validated at start, served to the bot."""

import subprocess
import sys

import yaml

from tests.conftest import ROOT, backend_env


def test_policy_endpoint_serves_the_file_values(http):
    body = http.get("/api/v1/policy").json()
    source = yaml.safe_load((ROOT / "policy" / "service-policy.yml").read_text(encoding="utf-8"))
    assert body["sla"]["complaint"]["feedback"]["hours"] == source["sla"]["complaint"]["feedback"]["hours"]
    assert (
        body["sla"]["complaint"]["resolution"]["working_days"]
        == source["sla"]["complaint"]["resolution"]["working_days"]
    )
    assert body["timezone"] == "Asia/Shanghai"


def test_invalid_policy_file_stops_the_start_naming_the_key(tmp_path):
    text = (ROOT / "policy" / "service-policy.yml").read_text(encoding="utf-8")
    broken = tmp_path / "policy.yml"
    broken.write_text(text.replace("warning_ratio: 0.8", "warning_ratio: 1.5"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from api.main import create_app; create_app()"],
        cwd=ROOT,
        env=backend_env("sqlite:///" + str(tmp_path / "x.db"), POLICY_FILE=str(broken)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "sla.warning_ratio" in proc.stderr
