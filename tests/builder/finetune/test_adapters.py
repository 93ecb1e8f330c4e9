"""Adapters in and out: a finished job's adapter downloads as a zip that, uploaded into another
workspace under a new name, serves the same answers there; an upload that is not a safe adapter
for the chosen base model is refused naming the field (and the archive entry); an adapter of each
method uploads and is served as base+name; LoRA merges into a full model folder the workspace then
serves with the same greedy answers and logits as base+adapter; other workspaces reach nothing and
annotators download nothing."""

from __future__ import annotations

import asyncio
import io
import json
import stat
import zipfile
from pathlib import Path

import pytest
import torch
from django.core.files.uploadedfile import SimpleUploadedFile

from builder.accounts.models import Role
from builder.execution import providers as execution
from builder.finetune.adapters import MERGE_KIND, adapter_folder, merged_folder
from builder.finetune.executor import finetune_execute
from builder.finetune.models import FineTuneJob
from builder.finetune.services import job_folder
from builder.jobs.kinds import JOB_KINDS
from builder.jobs.models import Job
from runtime.finetune.adapters import load_adapted
from runtime.finetune.methods import Method, MethodSettings, wrap
from runtime.providers.base import ChatMessage, ChatRequest, UnknownModel
from tests.builder.finetune.conftest import start, url
from tests.builder.finetune.support import WORDS
from tests.support.members import make_member

pytestmark = pytest.mark.django_db

TRAINED = "tiny+zarnovia-facts"
SMALL = MethodSettings(r=4, alpha=8, dropout=0.0, virtual_tokens=4, encoder_hidden_size=16, adapter_len=4,
                       adapter_layers=2)


# --- helpers --------------------------------------------------------------------------------------

def made_adapter(base: Path, method: Method, out: Path, *, seed: int = 0) -> Path:
    """An adapter of ``method`` for the model at ``base`` with random (non-zero) weights, saved as
    peft saves one (what another machine's training leaves)."""
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = wrap(AutoModelForCausalLM.from_pretrained(base), method, SMALL)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.requires_grad:
                parameter.add_(torch.randn_like(parameter) * 0.5)
    model.save_pretrained(out)
    return out


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def upload(member, data: bytes, *, name: str = "uploaded", base_model: str = "tiny", filename: str = "adapter.zip"):
    return member.client.post(url(member, "adapters/"), {
        "name": name, "base_model": base_model, "file": SimpleUploadedFile(filename, data, "application/zip"),
    }, format="multipart")


def downloaded(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def ask(workspace_id: int, model: str) -> str:
    execution._checked.clear()  # look at the folder now, not a second later
    local = execution.workspace_services(workspace_id).providers["local"]
    request = ChatRequest(model=model, messages=[ChatMessage(role="user", content="what is the capital ?")],
                          max_tokens=6, temperature=0)
    return asyncio.run(local.chat(request)).text  # type: ignore[attr-defined]


def spec_of(workspace_id: int, model: str):
    return next(spec for spec in execution.tuned_models(workspace_id) if spec.name == model)


def trained(member, **fields) -> int:
    job_id = start(member, epochs=3, **fields).json()["id"]
    assert finetune_execute(tune_id=job_id)["status"] == "succeeded"
    return job_id


def error(response) -> tuple[int, str, dict]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["details"]


@pytest.fixture(scope="module")
def lora_files(tiny_folder, tmp_path_factory) -> dict[str, bytes]:
    return files_of(made_adapter(tiny_folder, Method.LORA, tmp_path_factory.mktemp("lora")))


@pytest.fixture(scope="module")
def wider_folder(tmp_path_factory) -> Path:
    """Another tiny Llama with the same words but wider layers (48 instead of 32)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("wider-llama")
    torch.manual_seed(1)
    LlamaForCausalLM(LlamaConfig(vocab_size=len(WORDS), hidden_size=48, intermediate_size=64, num_hidden_layers=2,
                                 num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                                 pad_token_id=0, eos_token_id=2, bos_token_id=2)).save_pretrained(folder)
    return folder


# --- download and upload --------------------------------------------------------------------------

def test_a_downloaded_adapter_uploaded_into_another_workspace_serves_the_same_answers(owner):
    job_id = trained(owner)
    answer = owner.client.get(url(owner, f"jobs/{job_id}/adapter/"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert answer["Content-Disposition"] == f'attachment; filename="{TRAINED}.zip"'
    files = downloaded(answer)
    assert set(files) == {"adapter_config.json", "adapter_model.safetensors", "llmops-model.json"}
    assert json.loads(files["llmops-model.json"]) == {"model": TRAINED, "base": "tiny"}  # no server paths
    assert json.loads(files["adapter_config.json"])["peft_type"] == "LORA"

    other = make_member()
    created = upload(other, zipped(files), name="zarnovia-copy")
    assert created.status_code == 201, created.content
    shown = created.json()
    assert (shown["model"], shown["source"], shown["status"], shown["method"]) == \
        ("tiny+zarnovia-copy", "uploaded", "succeeded", "lora")
    assert shown["dataset_id"] is None and shown["finished_at"] and shown["method_settings"]["r"] == 8
    assert 0 < shown["trainable_params"] < shown["total_params"]
    copy = FineTuneJob.objects.get(pk=shown["id"])
    assert json.loads((adapter_folder(copy) / "llmops-model.json").read_text())["model"] == "tiny+zarnovia-copy"

    assert ask(other.workspace.pk, "tiny+zarnovia-copy") == ask(owner.workspace.pk, TRAINED)
    assert ask(owner.workspace.pk, TRAINED).strip()
    with pytest.raises(UnknownModel):
        ask(other.workspace.pk, TRAINED)
    listed = {m["model"] for m in execution.model_catalog(workspace_id=other.workspace.pk)}
    assert "tiny+zarnovia-copy" in listed and TRAINED not in listed


@pytest.mark.parametrize("method", list(Method))
def test_an_adapter_of_each_method_uploads_and_is_served_as_base_plus_name(owner, tiny_folder, tmp_path, method):
    folder = made_adapter(tiny_folder, method, tmp_path / "made")
    created = upload(owner, zipped({f"my-adapter/{n}": data for n, data in files_of(folder).items()}),
                     name=f"up-{method.value.replace('_', '-')}")  # zipped as a folder, README.md and all
    assert created.status_code == 201, created.content
    model = created.json()["model"]
    assert created.json()["method"] == method.value
    assert model in {m["model"] for m in execution.model_catalog(workspace_id=owner.workspace.pk)}
    assert isinstance(ask(owner.workspace.pk, model), str)


@pytest.mark.parametrize(("case", "field", "entry", "says"), [
    ("not a zip", "file", None, "not a zip"),
    ("pickled weights", "file", "adapter_model.bin", "upload safetensors"),
    ("path traversal", "file", "../adapter_config.json", "outside"),
    ("absolute path", "file", "/tmp/adapter_config.json", "outside"),
    ("symbolic link", "file", "adapter_config.json", "symbolic link"),
    ("another file", "file", "run.py", "Unexpected file"),
    ("no weights", "file", "adapter_model.safetensors", "no adapter_model.safetensors"),
    ("unknown peft type", "file", "adapter_config.json", "LOHA"),
    ("another task", "file", "adapter_config.json", "CAUSAL_LM"),
    ("broken config", "file", "adapter_config.json", "not JSON"),
    ("wider base", "base_model", None, "does not fit base model tiny"),
    ("prompt of a wider base", "base_model", None, "does not fit base model tiny"),
    ("unknown base model", "base_model", None, "Unknown base model"),
    ("not a slug", "name", None, "name"),
])
def test_an_upload_that_is_not_a_safe_adapter_of_the_base_is_refused_naming_the_field(
        owner, lora_files, wider_folder, tmp_path, case, field, entry, says):
    config = json.loads(lora_files["adapter_config.json"])
    fields = {"name": "refused", "base_model": "tiny"}
    data = {
        "not a zip": lambda: b"adapter_config.json: not really",
        "pickled weights": lambda: zipped({"adapter_config.json": lora_files["adapter_config.json"],
                                           "adapter_model.bin": b"\x80\x04pickle"}),
        "path traversal": lambda: zipped({**lora_files, "../adapter_config.json": b"{}"}),
        "absolute path": lambda: zipped({**lora_files, "/tmp/adapter_config.json": b"{}"}),
        "symbolic link": lambda: _with_symlink(lora_files),
        "another file": lambda: zipped({**lora_files, "run.py": b"import os"}),
        "no weights": lambda: zipped({"adapter_config.json": lora_files["adapter_config.json"]}),
        "unknown peft type": lambda: zipped({**lora_files, "adapter_config.json":
                                             json.dumps({**config, "peft_type": "LOHA"}).encode()}),
        "another task": lambda: zipped({**lora_files, "adapter_config.json":
                                        json.dumps({**config, "task_type": "SEQ_CLS"}).encode()}),
        "broken config": lambda: zipped({**lora_files, "adapter_config.json": b"{not json"}),
        "wider base": lambda: zipped(files_of(made_adapter(wider_folder, Method.LORA, tmp_path / "wider"))),
        "prompt of a wider base": lambda: zipped(files_of(made_adapter(wider_folder, Method.PROMPT, tmp_path / "p"))),
        "unknown base model": lambda: zipped(lora_files),
        "not a slug": lambda: zipped(lora_files),
    }[case]()
    if case == "unknown base model":
        fields["base_model"] = "gpt-9"
    if case == "not a slug":
        fields["name"] = "no spaces please"
    answer = upload(owner, data, **fields)
    status, code, details = error(answer)
    assert (status, code, details["field"]) == (400, "adapter_invalid", field), answer.content
    assert details.get("entry") == entry
    assert says in answer.json()["error"]["message"]
    assert not FineTuneJob.objects.exists()
    leftovers = list((tmp_path / "finetune").glob("w*/*"))
    assert leftovers == [], "a refused upload leaves nothing behind"


def _with_symlink(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("adapter_model.safetensors", files["adapter_model.safetensors"])
        link = zipfile.ZipInfo("adapter_config.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def test_an_archive_above_the_size_limit_and_a_taken_name_are_refused(owner, settings, lora_files):
    settings.LLMOPS_FINETUNE_MAX_UPLOAD_BYTES = 1000
    status, code, details = error(upload(owner, zipped(lora_files)))
    assert (status, code, details["field"]) == (400, "adapter_invalid", "file")
    settings.LLMOPS_FINETUNE_MAX_UPLOAD_BYTES = 512 * 2**20

    assert upload(owner, zipped(lora_files), name="taken").status_code == 201
    status, code, details = error(upload(owner, zipped(lora_files), name="taken"))
    assert (status, code, details["field"]) == (400, "finetune_name_taken", "name")
    start_answer = start(owner, name="taken")  # a training job may not take it either
    assert start_answer.json()["error"]["code"] == "finetune_name_taken"
    assert FineTuneJob.objects.count() == 1


def test_other_workspaces_find_nothing_annotators_download_nothing_viewers_upload_nothing(owner, lora_files):
    job_id = upload(owner, zipped(lora_files)).json()["id"]
    outsider = make_member()
    for path in (f"jobs/{job_id}/adapter/", f"jobs/{job_id}/merged/"):
        assert outsider.client.get(url(owner, path)).status_code == 404  # not a member of the owner's workspace
        assert outsider.client.get(url(outsider, path)).status_code == 404  # not a job of the outsider's
    assert outsider.client.post(url(outsider, f"jobs/{job_id}/merge/")).status_code == 404
    annotator = make_member(Role.ANNOTATOR, workspace=owner.workspace)
    assert annotator.client.get(url(owner, f"jobs/{job_id}/adapter/")).status_code == 403
    viewer = make_member(Role.VIEWER, workspace=owner.workspace)
    assert viewer.client.get(url(owner, f"jobs/{job_id}/adapter/")).status_code == 200
    assert upload(viewer, zipped(lora_files), name="viewers").status_code == 403
    assert viewer.client.post(url(owner, f"jobs/{job_id}/merge/")).status_code == 403
    assert FineTuneJob.objects.get(pk=job_id).merge_status == ""


def test_a_job_that_has_not_succeeded_has_nothing_to_download_or_merge(owner):
    job_id = start(owner).json()["id"]  # queued
    for answer in (owner.client.get(url(owner, f"jobs/{job_id}/adapter/")),
                   owner.client.post(url(owner, f"jobs/{job_id}/merge/"))):
        assert error(answer)[:2] == (409, "finetune_not_ready")
    assert error(owner.client.get(url(owner, f"jobs/{job_id}/merged/")))[:2] == (409, "finetune_not_merged")


# --- merge ----------------------------------------------------------------------------------------

def test_a_lora_adapter_merges_into_a_full_model_served_with_the_same_answers(owner, tiny_folder):
    job_id = trained(owner)
    adapted_answer = ask(owner.workspace.pk, TRAINED)
    assert spec_of(owner.workspace.pk, TRAINED).adapter_path

    queued = owner.client.post(url(owner, f"jobs/{job_id}/merge/"))
    assert queued.status_code == 202 and queued.json()["merge_status"] == "queued"
    assert error(owner.client.post(url(owner, f"jobs/{job_id}/merge/")))[:2] == (409, "finetune_merge_running")
    assert error(owner.client.delete(url(owner, f"jobs/{job_id}/")))[:2] == (409, "finetune_merge_running")
    assert error(owner.client.get(url(owner, f"jobs/{job_id}/merged/")))[:2] == (409, "finetune_not_merged")
    merge_job = Job.objects.get(kind=MERGE_KIND)
    assert merge_job.input == {"finetune_job_id": job_id}

    result = JOB_KINDS[MERGE_KIND](merge_job, lambda _f, _m="": None)  # what the fine-tuning worker runs
    assert result["merge_status"] == "done"
    shown = owner.client.get(url(owner, f"jobs/{job_id}/")).json()
    assert (shown["merge_status"], shown["merge_error"]) == ("done", "")

    job = FineTuneJob.objects.get(pk=job_id)
    folder = merged_folder(job)
    names = {p.name for p in folder.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= names
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth"))]
    assert not list(job_folder(job).glob("*.partial"))
    spec = spec_of(owner.workspace.pk, TRAINED)
    assert (spec.path, spec.adapter_path) == (str(folder), None)  # served without the adapter
    assert ask(owner.workspace.pk, TRAINED) == adapted_answer

    from transformers import AutoModelForCausalLM

    ids = torch.tensor([[WORDS.index(w) for w in "<user> what is the capital of zarnovia ? </s> <assistant>".split()]])
    with torch.no_grad():
        adapted = load_adapted(tiny_folder, adapter_folder(job))(input_ids=ids).logits
        merged = AutoModelForCausalLM.from_pretrained(folder)(input_ids=ids).logits
    assert torch.allclose(adapted, merged, atol=1e-4)

    assert error(owner.client.post(url(owner, f"jobs/{job_id}/merge/")))[:2] == (409, "finetune_already_merged")
    answer = owner.client.get(url(owner, f"jobs/{job_id}/merged/"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="{TRAINED}-merged.zip"'
    files = downloaded(answer)
    assert files["model.safetensors"] == (folder / "model.safetensors").read_bytes()
    assert {"config.json", "tokenizer.json"} <= set(files)

    assert owner.client.delete(url(owner, f"jobs/{job_id}/")).status_code == 204
    assert not job_folder(job).exists()
    with pytest.raises(UnknownModel):
        ask(owner.workspace.pk, TRAINED)


def test_a_failed_merge_says_why_and_can_be_started_again(owner, lora_files):
    job_id = upload(owner, zipped(lora_files)).json()["id"]
    job = FineTuneJob.objects.get(pk=job_id)
    weights = adapter_folder(job) / "adapter_model.safetensors"
    kept = weights.read_bytes()
    weights.unlink()
    assert owner.client.post(url(owner, f"jobs/{job_id}/merge/")).status_code == 202
    with pytest.raises(Exception):  # noqa: B017 - whatever peft raises; the job records it
        JOB_KINDS[MERGE_KIND](Job.objects.get(kind=MERGE_KIND), lambda _f, _m="": None)
    shown = owner.client.get(url(owner, f"jobs/{job_id}/")).json()
    assert shown["merge_status"] == "failed" and shown["merge_error"]
    assert not merged_folder(job).exists() and not list(job_folder(job).glob("merged*"))

    weights.write_bytes(kept)
    again = owner.client.post(url(owner, f"jobs/{job_id}/merge/"))
    assert again.status_code == 202 and again.json()["merge_status"] == "queued" and again.json()["merge_error"] == ""
    latest = Job.objects.filter(kind=MERGE_KIND).order_by("-pk").first()
    assert JOB_KINDS[MERGE_KIND](latest, lambda _f, _m="": None)["merge_status"] == "done"


def test_an_uploaded_ia3_adapter_merges_too(owner, tiny_folder, tmp_path):
    from transformers import AutoModelForCausalLM

    job_id = upload(owner, zipped(files_of(made_adapter(tiny_folder, Method.IA3, tmp_path / "ia3")))).json()["id"]
    assert owner.client.post(url(owner, f"jobs/{job_id}/merge/")).status_code == 202
    assert JOB_KINDS[MERGE_KIND](Job.objects.get(kind=MERGE_KIND), lambda _f, _m="": None)["merge_status"] == "done"
    job = FineTuneJob.objects.get(pk=job_id)
    ids = torch.tensor([[3, 6, 7, 8, 9, 10, 11, 12, 2, 4]])
    with torch.no_grad():
        adapted = load_adapted(tiny_folder, adapter_folder(job))(input_ids=ids).logits
        merged = AutoModelForCausalLM.from_pretrained(merged_folder(job))(input_ids=ids).logits
        base = AutoModelForCausalLM.from_pretrained(tiny_folder)(input_ids=ids).logits
    assert torch.allclose(adapted, merged, atol=1e-4) and not torch.allclose(adapted, base, atol=1e-2)


@pytest.mark.parametrize("method", [Method.PREFIX, Method.PROMPT, Method.P_TUNING, Method.ADAPTER])
def test_an_adapter_that_adds_virtual_tokens_or_prompts_is_not_mergeable(owner, tiny_folder, tmp_path, method):
    folder = made_adapter(tiny_folder, method, tmp_path / "made")
    job_id = upload(owner, zipped(files_of(folder))).json()["id"]
    answer = owner.client.post(url(owner, f"jobs/{job_id}/merge/"))
    status, code, details = error(answer)
    assert (status, code, details["method"]) == (400, "finetune_not_mergeable", method.value)
    assert "only LoRA and IA3" in answer.json()["error"]["message"]
    assert FineTuneJob.objects.get(pk=job_id).merge_status == "" and not Job.objects.filter(kind=MERGE_KIND).exists()
