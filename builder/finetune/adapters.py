"""Adapters in and out of the platform: a finished job's adapter to download; an adapter trained
elsewhere uploaded as a job of its own (checked first: a zip of safetensors and a ``peft``
configuration of one of the six methods that loads onto the chosen base model), then served like
a trained one; and merging a LoRA or IA3 adapter into its base model's weights, queued here and
done by the job kind of :mod:`builder.finetune.merging`.

An uploaded adapter's job has ``source`` "uploaded", no dataset, and no training settings (zero)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from builder.core.errors import Conflict, InvalidInput, NotFound
from builder.finetune.models import FineTuneJob, MergeStatus, TuneSource, TuneStatus
from builder.finetune.services import base_folder, base_models, job_folder, manifest_of
from builder.jobs.services import job_create
from runtime.finetune.adapters import (
    ADAPTER_CONFIG,
    ADAPTER_WEIGHTS,
    MERGEABLE,
    NOT_MERGEABLE_WHY,
    AdapterInvalid,
    archive_entries,
    check_fits,
    extract,
    method_settings_of,
    read_config,
)
from runtime.finetune.methods import LABELS, Method
from runtime.providers.base import ProviderError
from runtime.providers.local_models import ADAPTER_MANIFEST

MERGE_KIND = "finetune.merge"
ADAPTER_FOLDER = "adapter"
MERGED_FOLDER = "merged"


def max_upload_bytes() -> int:
    """The largest adapter archive accepted, and the most its files may take unpacked
    (``LLMOPS_FINETUNE_MAX_UPLOAD_BYTES``)."""
    return int(settings.LLMOPS_FINETUNE_MAX_UPLOAD_BYTES)


def adapter_folder(job: FineTuneJob) -> Path:
    return job_folder(job) / ADAPTER_FOLDER


def merged_folder(job: FineTuneJob) -> Path:
    return job_folder(job) / MERGED_FOLDER


def archive_name(job: FineTuneJob, *, merged: bool = False) -> str:
    """``<base>+<name>.zip`` (``…-merged.zip`` for the merged model)."""
    return f"{job.model_name}{'-merged' if merged else ''}.zip"


def manifest_write(folder: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest in ``folder`` at once (a reader sees the old one or the new one)."""
    staging = folder / f".{ADAPTER_MANIFEST}.partial"
    staging.write_text(json.dumps(manifest))
    os.replace(staging, folder / ADAPTER_MANIFEST)


# --- download -------------------------------------------------------------------------------------

def adapter_files(job: FineTuneJob) -> list[tuple[Path | bytes, str]]:
    """The files of a finished job's adapter: (path or content, name in the archive). The manifest
    goes out without this server's paths: only the model's name and its base."""
    if job.status != TuneStatus.SUCCEEDED:
        raise Conflict(f"The job has not succeeded (it is {job.status}): it has no adapter to download.",
                       code="finetune_not_ready")
    folder = adapter_folder(job)
    files = [(folder / name, name) for name in (ADAPTER_CONFIG, ADAPTER_WEIGHTS)]
    if not all(path.is_file() for path, _ in files):
        raise NotFound("The adapter's files are missing from the server.", code="finetune_files_missing")
    shown = json.dumps({"model": job.model_name, "base": job.base_model}, indent=2).encode()
    return [*files, (shown, ADAPTER_MANIFEST)]


def merged_files(job: FineTuneJob) -> list[tuple[Path | bytes, str]]:
    """The files of the merged model folder: (path, name in the archive)."""
    if job.merge_status != MergeStatus.DONE:
        raise Conflict("The adapter has not been merged into its base model: merge it first.",
                       code="finetune_not_merged")
    folder = merged_folder(job)
    files: list[tuple[Path | bytes, str]] = \
        [(path, path.name) for path in sorted(folder.glob("*")) if path.is_file()] if folder.is_dir() else []
    if not files:
        raise NotFound("The merged model's files are missing from the server.", code="finetune_files_missing")
    return files


# --- upload ---------------------------------------------------------------------------------------

def _invalid(exc: AdapterInvalid) -> InvalidInput:
    details: dict[str, Any] = {"field": exc.field}
    if exc.entry:
        details["entry"] = exc.entry
    return InvalidInput(exc.message, code="adapter_invalid", details=details)


def _name_taken(name: str) -> InvalidInput:
    return InvalidInput(f"A fine-tuned model named {name!r} exists in this workspace.", code="finetune_name_taken",
                        details={"field": "name"})


def adapter_upload(*, workspace, user, name: str, base_model: str, upload: IO[bytes]) -> FineTuneJob:
    """A job for an adapter trained elsewhere (``upload``: a zip), served as ``base_model+name``
    once checked; 400 ``adapter_invalid`` naming the field (and the archive entry) at fault,
    ``finetune_name_taken`` for a name in use."""
    if base_model not in base_models():
        raise InvalidInput(f"Unknown base model {base_model!r}.", code="adapter_invalid",
                           details={"field": "base_model", "choices": sorted(base_models())})
    if FineTuneJob.objects.filter(workspace=workspace, name=name).exists():
        raise _name_taken(name)
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(f"The archive is {size / 2**20:.1f} MiB; at most {limit / 2**20:.0f} MiB are accepted.",
                           code="adapter_invalid", details={"field": "file", "max_bytes": limit})
    root = Path(settings.LLMOPS_FINETUNE_DIR) / f"w{workspace.pk}"
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=root))  # beside the job folders: renamed into one
    try:
        try:
            with zipfile.ZipFile(upload) as archive:
                extract(archive, archive_entries(archive, max_bytes=limit), staging)
            method, config = read_config(staging)
            fitted = check_fits(base_folder(base_model), staging, base_name=base_model)
        except ProviderError as exc:  # the bundled model's package is missing
            raise InvalidInput(f"Base model {base_model} cannot be loaded here: {exc}", code="adapter_invalid",
                               details={"field": "base_model"}) from None
        except zipfile.BadZipFile:
            raise InvalidInput("The file is not a zip archive.", code="adapter_invalid",
                               details={"field": "file"}) from None
        except AdapterInvalid as exc:
            raise _invalid(exc) from None
        return _adapter_store(workspace=workspace, user=user, name=name, base_model=base_model, method=method,
                              config=config, staging=staging, adapter_params=fitted.adapter_params,
                              total_params=fitted.total_params)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _adapter_store(*, workspace, user, name: str, base_model: str, method: Method, config: dict[str, Any],
                   staging: Path, adapter_params: int, total_params: int) -> FineTuneJob:
    now = timezone.now()
    target: Path | None = None
    try:
        with transaction.atomic():
            job = FineTuneJob.objects.create(
                workspace=workspace, name=name, base_model=base_model, method=method.value,
                method_settings=method_settings_of(method, config), source=TuneSource.UPLOADED,
                dataset_version=None, validation_share=0, epochs=0, learning_rate=0, batch_size=0, max_length=0,
                seed=0, status=TuneStatus.SUCCEEDED, trainable_params=adapter_params, total_params=total_params,
                created_by=user, started_at=now, finished_at=now)
            target = job_folder(job)
            shutil.rmtree(target, ignore_errors=True)  # nothing of an earlier database's job of this id
            target.mkdir(parents=True)
            (staging / ADAPTER_MANIFEST).write_text(json.dumps(manifest_of(model=job.model_name,
                                                                           base_model=base_model)))
            os.rename(staging, target / ADAPTER_FOLDER)  # served from here on: whole
    except IntegrityError:
        raise _name_taken(name) from None
    except BaseException:
        if target is not None:
            shutil.rmtree(target, ignore_errors=True)
        raise
    return job


# --- merge ----------------------------------------------------------------------------------------

def merge_start(*, job: FineTuneJob, user) -> FineTuneJob:
    """Queue merging the job's adapter into its base model (LoRA and IA3 only); a failed merge may
    be started again."""
    method = Method(job.method)
    if method not in MERGEABLE:
        raise InvalidInput(NOT_MERGEABLE_WHY.format(label=LABELS[method]), code="finetune_not_mergeable",
                           details={"method": method.value})
    with transaction.atomic():
        job = FineTuneJob.objects.select_for_update().get(pk=job.pk)
        if job.status != TuneStatus.SUCCEEDED:
            raise Conflict(f"The job has not succeeded (it is {job.status}): there is no adapter to merge yet.",
                           code="finetune_not_ready")
        if job.merge_status in (MergeStatus.QUEUED, MergeStatus.RUNNING):
            raise Conflict("The adapter is being merged already.", code="finetune_merge_running")
        if job.merge_status == MergeStatus.DONE:
            raise Conflict("The adapter is merged already: download the merged model.",
                           code="finetune_already_merged")
        job.merge_status, job.merge_error = MergeStatus.QUEUED, ""
        job.save(update_fields=["merge_status", "merge_error"])
        job_create(workspace=job.workspace, kind=MERGE_KIND, input={"finetune_job_id": job.pk}, created_by=user)
    return job
