"""The closed loop from a shell, one REST call per step, like ``llmops publish`` and ``llmops prompt``
(a personal access token in ``LLMOPS_TOKEN``):

- ``llmops queue export``: an annotation queue's completed items → a dataset (or its next version);
- ``llmops finetune start``: a fine-tuning job on a dataset, optionally followed until it ends;
- ``llmops experiment promote``: an experiment's variant → a label, or a share of its traffic;
- ``llmops split promote|end``: a label's A/B split → one version for everyone."""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from runtime.cli.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err
from runtime.cli.publish import TOKEN_VARIABLE, Platform, PublishFailed

#: The fine-tuning job's states that end it.
FINISHED = ("succeeded", "failed", "cancelled")


def cmd_loop(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        err(f"error: set {TOKEN_VARIABLE} to a personal access token (create one at /api/tokens/)")
        return EXIT_USAGE
    platform = Platform(args.server, token, args.workspace)
    action = {
        ("queue", "export"): _queue_export,
        ("finetune", "start"): _finetune_start,
        ("experiment", "promote"): _experiment_promote,
        ("split", "promote"): _split_promote,
        ("split", "end"): _split_end,
    }[args.command, args.action]
    try:
        return action(platform, args)
    except PublishFailed as exc:
        err(f"error: {exc.message}")
        return EXIT_FAILED


def _queue_export(platform: Platform, args: argparse.Namespace) -> int:
    body = {"dataset_id": args.dataset, "name": args.name or ""}
    exported = platform.call("POST", f"/annotation/queues/{args.queue}/export-dataset/", json=body)
    dataset = platform.call("GET", f"/datasets/{exported['dataset_id']}/")
    print(f"dataset {_quoted(dataset['name'])} v{exported['version_number']}: {exported['rows']} rows "
          f"(id {exported['dataset_id']})")
    return EXIT_OK


def _finetune_start(platform: Platform, args: argparse.Namespace) -> int:
    # What is not given is left to the platform's defaults (the bundled model, LoRA, 3 epochs, latest version).
    given = {"dataset_version": args.dataset_version, "method": args.method, "base_model": args.base_model,
             "epochs": args.epochs}
    body = {"name": args.name, "dataset_id": args.dataset, **{k: v for k, v in given.items() if v is not None}}
    job = platform.call("POST", "/finetune/jobs/", json=body)
    if not args.wait:
        print(f"job {job['id']} {job['status']}: {job['model']} ({job['method']}, {job['epochs']} epochs) on dataset "
              f"{_quoted(job['dataset_name'])} v{job['dataset_version']}")
        return EXIT_OK
    shown = ""
    try:
        while True:
            line = _progress(job)
            if line != shown:
                err(line)
                shown = line
            if job["status"] in FINISHED:
                break
            time.sleep(args.poll)
            job = platform.call("GET", f"/finetune/jobs/{job['id']}/")
    except KeyboardInterrupt:
        err(f"stopped waiting; job {job['id']} goes on (llmops finetune start does not cancel it)")
        return 130
    if job["status"] != "succeeded":
        error = job.get("error") or {}
        reason = f": [{error.get('code')}] {error.get('message')}" if error else ""
        err(f"error: job {job['id']} {job['status']}{reason}")
        return EXIT_FAILED
    print(job["model"])
    return EXIT_OK


def _progress(job: dict[str, Any]) -> str:
    """``job 5 running: step 12/24, validation loss 1.234``."""
    parts = []
    if job["total_steps"]:
        parts.append(f"step {job['step']}/{job['total_steps']}")
    if job["val_losses"]:
        parts.append(f"validation loss {job['val_losses'][-1][1]:.3f}")
    return f"job {job['id']} {job['status']}" + (": " + ", ".join(parts) if parts else "")


def _experiment_promote(platform: Platform, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"label": args.label}
    if args.share is not None:
        body["share"] = args.share
    promoted = platform.call("POST", f"/experiments/{args.experiment}/variants/{args.variant}/promote/", json=body)
    standing = promoted.get("standing") or {}
    if standing.get("warn"):  # promoted all the same: the owner decides, as in the browser's dialog
        err(f"warning: {standing['text']}")
    target = f"{promoted['target']} {promoted[promoted['target'] + '_id']}"
    if promoted["split"]:
        print(f"{target}: {promoted['label']} split {_split_text(promoted['split'])}")
        return EXIT_OK
    before = promoted["moved"]["from"]
    was = f"was v{before}" if before else "new label"
    print(f"{target}: {promoted['label']} → v{promoted['version']} ({was})")
    return EXIT_OK


def _split_promote(platform: Platform, args: argparse.Namespace) -> int:
    label = platform.call("POST", f"/apps/{args.app}/labels/{args.label}/promote/", json={"version": args.version})
    print(_serves(args.app, label))
    return EXIT_OK


def _split_end(platform: Platform, args: argparse.Namespace) -> int:
    body = {"version": args.keep} if args.keep is not None else {}
    label = platform.call("DELETE", f"/apps/{args.app}/labels/{args.label}/split/", json=body)
    print(_serves(args.app, label))
    return EXIT_OK


def _serves(app: int, label: dict[str, Any]) -> str:
    """What a label serves: ``app 7: production serves v4 to everyone`` or its split."""
    if label["split"]:
        return f"app {app}: {label['name']} split {_split_text(label['split'])}"
    return f"app {app}: {label['name']} serves v{label['version']} to everyone"


def _split_text(arms: list[dict[str, int]]) -> str:
    """``v3 90 % · v4 10 %``, as the Publish panel shows a split."""
    return " · ".join(f"v{arm['version']} {arm['weight']} %" for arm in arms)


def _quoted(name: str | None) -> str:
    return '"' + (name or "") + '"'
