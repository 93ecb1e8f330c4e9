"""``llmops``: validate and run app graphs from the command line, no server or database needed.

    llmops validate fixtures/apps/support_triage.yaml
    llmops run fixtures/apps/faq_over_docs.yaml --knowledge fixtures/apps/faq_docs \\
        --input question="How do I create an API token?" --stream
    llmops bench --runs 500

The commands live in :mod:`runtime.cli.commands` and :mod:`runtime.cli.running`; this module
only parses the arguments.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from runtime.finetune.methods import Method

EPILOG = """\
examples:
  llmops validate fixtures/apps/support_triage.yaml
  llmops run fixtures/apps/support_triage.yaml --input message="I was charged twice" --stream
  llmops run fixtures/apps/faq_over_docs.yaml --knowledge fixtures/apps/faq_docs \\
      --input question="How do I create an API token?" --stream
  llmops run app.yaml --provider openai=https://api.openai.com/v1 --model openai/gpt-4o-mini
  llmops bench --runs 500 --w3-runs 50

exit codes: 0 ok, 1 invalid graph or failed run, 2 unreadable file or bad arguments
"""

VALIDATE_EPILOG = """\
Lists every issue with its stable code and where it is (node, edge, config field).

examples:
  llmops validate fixtures/apps/support_triage.yaml
  llmops validate my_app.json --json

exit codes: 0 valid, 1 the graph has issues, 2 the file cannot be read or parsed
"""

RUN_EPILOG = """\
Model nodes use the local model (SmolLM2-135M-Instruct, on CPU) unless the app names another
provider. Add OpenAI-compatible providers with --provider NAME=BASE_URL (key from the
environment variable LLMOPS_<NAME>_API_KEY) or with LLMOPS_OPENAI_BASE_URL and
LLMOPS_OPENAI_API_KEY (provider "openai"); --model sends every model node to one of them.

The answer goes to stdout (token by token with --stream); the per-node trace table, progress
and errors go to stderr. --json prints one JSON document (with --stream: one JSON event per
line, then the result).

examples:
  llmops run fixtures/apps/webhook_notifier.yaml --input event=deploy_failed --input severity=9
  llmops run fixtures/apps/batch_summariser.yaml --inputs-json '{"documents": ["first", "second"]}'
  llmops run fixtures/apps/research_assistant.yaml --input question="What is 12*7?" --stream
  LLMOPS_OPENAI_API_KEY=sk-... llmops run fixtures/apps/support_triage.yaml \\
      --provider openai=https://api.openai.com/v1 --model openai/gpt-4o-mini \\
      --input message="The app crashes on login" --stream

exit codes: 0 succeeded, 1 invalid graph or failed run (error code, node and message
shown), 2 unreadable file or bad arguments, 130 interrupted
"""

PUBLISH_EPILOG = """\
Talks to a running platform's REST API with a personal access token in LLMOPS_TOKEN.

examples:
  LLMOPS_TOKEN=llm_... llmops publish fixtures/apps/faq_over_docs.yaml --workspace 1
  LLMOPS_TOKEN=llm_... llmops publish app.yaml --workspace 1 --app 7 --label staging

exit codes: 0 published, 1 invalid graph or refused by the platform, 2 unreadable file or no token
"""

PROMPT_EPILOG = """\
Talks to a running platform's REST API with a personal access token in LLMOPS_TOKEN.

examples:
  LLMOPS_TOKEN=llm_... llmops prompt list --workspace 1
  LLMOPS_TOKEN=llm_... llmops prompt show support-answer@production --workspace 1
  LLMOPS_TOKEN=llm_... llmops prompt push support-answer.yaml --workspace 1 --label staging
  LLMOPS_TOKEN=llm_... llmops prompt label support-answer production 4 --workspace 1

exit codes: 0 done, 1 refused by the platform, 2 unreadable file or no token
"""

QUEUE_EPILOG = """\
Turns the queue's completed items (reviewers' corrections as the expected output) into a new
dataset, or into the next version of --dataset (appended to its rows).

examples:
  LLMOPS_TOKEN=llm_... llmops queue export 4 --workspace 1
  LLMOPS_TOKEN=llm_... llmops queue export 4 --workspace 1 --dataset 3

exit codes: 0 exported, 1 refused by the platform (e.g. nothing completed yet), 2 no token
"""

FINETUNE_EPILOG = """\
Starts a fine-tuning job on a dataset's rows that have an expected output; what is not given takes
the platform's defaults (the bundled model, LoRA, 3 epochs, the dataset's latest version).
With --wait, follows the job (step, validation loss) on stderr and prints the tuned model's name
(BASE+NAME, what apps and experiments call it) on stdout when it has succeeded.

examples:
  LLMOPS_TOKEN=llm_... llmops finetune start --workspace 1 --dataset 3 --name support-tone
  LLMOPS_TOKEN=llm_... llmops finetune start --workspace 1 --dataset 3 --dataset-version 2 \\
      --name support-tone-v2 --method ia3 --epochs 5 --wait

exit codes: 0 started (with --wait: succeeded), 1 refused by the platform (with --wait: the job
failed or was cancelled), 2 no token or bad arguments, 130 stopped waiting (the job goes on)
"""

EXPERIMENT_EPILOG = """\
Points a label at an experiment's variant: its prompt's label for a prompt version, its app's label
for an app version. --share (app versions) splits the label instead: it keeps its version and
sends that percent of its traffic to the variant's (an A/B split; see `llmops split`).

examples:
  LLMOPS_TOKEN=llm_... llmops experiment promote 12 31 --workspace 1 --label staging
  LLMOPS_TOKEN=llm_... llmops experiment promote 12 31 --workspace 1 --share 10

exit codes: 0 promoted, 1 refused by the platform, 2 no token
"""

SPLIT_EPILOG = """\
Ends an app label's A/B split: `promote` sends all its traffic to the winning version, `end` to the
version the label shows (or --keep VERSION).

examples:
  LLMOPS_TOKEN=llm_... llmops split promote 7 production 4 --workspace 1
  LLMOPS_TOKEN=llm_... llmops split end 7 production --workspace 1

exit codes: 0 done, 1 refused by the platform (e.g. the label has no split), 2 no token
"""

EVAL_EPILOG = """\
Local mode (FILE and --dataset): runs every dataset row on every variant in this process, with
the providers `llmops run` uses (--provider, LLMOPS_OPENAI_BASE_URL), judges each answer (the app's
answer/text output) with the evaluators and stores nothing. FILE is an app graph (one variant: the
app; with --variant, the app with every model node on that model) or a prompt version in the
`llmops prompt push` format (each --variant is a model configuration for it; default: its own).
Dataset rows: JSONL {"inputs": {...}, "expected": "...", "tags": [...]} or flat objects, or CSV
with expected and tags (";"-separated) columns, the other columns being inputs.
The primary evaluator (default: the first) decides whether a cell is good; a failed run is bad;
without any evaluator a run that succeeds is good.

Server mode (--server/--dataset-id, token in LLMOPS_TOKEN): makes an experiment on the platform
from library prompt versions, waits for it and prints its summary the same way.

examples:
  llmops eval support-answer.yaml --dataset rows.jsonl --variant openai/gpt-4o-mini \\
      --variant 'openai/gpt-4o:temperature=0.2,max_tokens=64' --evaluator exact_match --min-ratio 0.8
  llmops eval app.yaml --dataset rows.csv --evaluator 'contains:{"value": "refund"}' --json
  llmops eval app.yaml --dataset rows.jsonl --evaluators evaluators.yaml --primary judge
  LLMOPS_TOKEN=llm_... llmops eval --server http://127.0.0.1:8000 --workspace 1 --dataset-id 3 \\
      --variant prompt=support-answer@production,model=openai/gpt-4o-mini \\
      --variant prompt=support-answer@staging --evaluator exact_match --min-ratio 0.8

exit codes: 0 every variant reaches --min-ratio (or none given), 1 a variant misses it (or the
graph is invalid, or the platform refused), 2 unreadable file or bad arguments or evaluator config
"""

BENCH_EPILOG = """\
Runs the engine workloads W1 (chain of 10), W2 (branch) and W3 (fan-out/fan-in, async and
blocking) next to plain Python and prints median, p99 and overhead per node.

examples:
  llmops bench
  llmops bench --runs 200 --w3-runs 20
"""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="llmops",
        description="Validate, run and benchmark LLMOps Studio app graphs (YAML or JSON files).",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show the runtime's log messages")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    validate = commands.add_parser(
        "validate",
        help="check a graph file and list its issues",
        epilog=VALIDATE_EPILOG,
        formatter_class=formatter,
        description="Check a graph file without running it.",
    )
    validate.add_argument("file", metavar="FILE", help="graph file (.yaml, .yml or .json)")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")

    run = commands.add_parser(
        "run",
        help="run a graph and show its answer and trace",
        epilog=RUN_EPILOG,
        formatter_class=formatter,
        description="Validate and run a graph once.",
    )
    run.add_argument("file", metavar="FILE", help="graph file (.yaml, .yml or .json)")
    run.add_argument(
        "-i",
        "--input",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an app input (repeatable); numbers, booleans and JSON arrays/objects follow the input's declared type",
    )
    run.add_argument(
        "--inputs-json", metavar="JSON", help="all inputs as one JSON object, or @FILE to read it from a file"
    )
    run.add_argument("--stream", action="store_true", help="print the answer as it is generated")
    run.add_argument("--json", action="store_true", help="print events and result as JSON")
    run.add_argument(
        "--knowledge",
        metavar="DIR",
        help="folder of .md/.txt files searched by the app's retrieval nodes (split into paragraphs)",
    )
    run.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="NAME=BASE_URL",
        help="add an OpenAI-compatible provider (repeatable); key from LLMOPS_<NAME>_API_KEY",
    )
    run.add_argument("--model", metavar="PROVIDER/MODEL", help="run every model node on this model")
    run.add_argument("--max-tokens", type=_positive, metavar="N", help="max new tokens of every model node")
    run.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="let HTTP nodes and tools reach this otherwise blocked (private/local) host",
    )

    publish = commands.add_parser(
        "publish",
        help="publish a graph file to a running platform (validate → version → label)",
        epilog=PUBLISH_EPILOG,
        formatter_class=formatter,
        description="Validate a graph file, put it into an app's draft and publish it.",
    )
    publish.add_argument("file", metavar="FILE", help="graph file (.yaml, .yml or .json; exported apps too)")
    publish.add_argument("--server", default=os.environ.get("LLMOPS_SERVER", "http://127.0.0.1:8000"),
                         help="the platform's URL (default $LLMOPS_SERVER or http://127.0.0.1:8000)")
    publish.add_argument("--workspace", type=_positive, required=True, help="workspace id")
    publish.add_argument(
        "--app", type=_positive, help="app id (default: the app named like the graph, created if missing)"
    )
    publish.add_argument("--name", help="app name (default: the graph's name or the file name)")
    publish.add_argument("--label", help="also point this label (e.g. staging) at the new version")
    publish.add_argument("--message", default="published with llmops publish", help="the version's message")

    prompt = commands.add_parser(
        "prompt",
        help="the prompt library of a running platform: list, show, push, label",
        epilog=PROMPT_EPILOG,
        formatter_class=formatter,
        description="List prompts, show a version, push a version from a YAML file, move a label.",
    )
    prompt_commands = prompt.add_subparsers(dest="prompt_command", metavar="ACTION")
    prompt_commands.required = True
    server_options = argparse.ArgumentParser(add_help=False)
    server_options.add_argument("--server", default=os.environ.get("LLMOPS_SERVER", "http://127.0.0.1:8000"),
                                help="the platform's URL (default $LLMOPS_SERVER or http://127.0.0.1:8000)")
    server_options.add_argument("--workspace", type=_positive, required=True, help="workspace id")
    prompt_commands.add_parser("list", parents=[server_options], help="the workspace's prompts and labels")
    show = prompt_commands.add_parser("show", parents=[server_options], help="the version a reference names")
    show.add_argument("ref", metavar="NAME[@REF]", help="name (latest), name@production or name@v3")
    push = prompt_commands.add_parser("push", parents=[server_options],
                                      help="a new version from a YAML file (or a whole exported prompt)")
    push.add_argument("file", metavar="FILE", help="a prompt YAML file")
    push.add_argument("--label", help="also point this label at the new version")
    label = prompt_commands.add_parser("label", parents=[server_options], help="point a label at a version")
    label.add_argument("name", metavar="NAME", help="the prompt's name")
    label.add_argument("label", metavar="LABEL", help="production, staging or a label of your own")
    label.add_argument("version", type=_positive, metavar="VERSION", help="the version number")

    queue = commands.add_parser(
        "queue", help="an annotation queue of a running platform: export its reviews to a dataset",
        epilog=QUEUE_EPILOG, formatter_class=formatter, description="Export a queue's completed items to a dataset.")
    queue_commands = queue.add_subparsers(dest="action", metavar="ACTION")
    queue_commands.required = True
    export = queue_commands.add_parser("export", parents=[server_options], epilog=QUEUE_EPILOG,
                                       formatter_class=formatter, help="completed items → a dataset (version)")
    export.add_argument("queue", type=_positive, metavar="QUEUE_ID", help="the annotation queue's id")
    export.add_argument("--dataset", type=_positive, metavar="ID",
                        help="append to this dataset as its next version (default: a new dataset)")
    export.add_argument("--name", help="the new dataset's name (default: the queue's name + ' (reviewed)')")

    finetune = commands.add_parser(
        "finetune", help="fine-tuning on a running platform: start a job (and wait for it)",
        epilog=FINETUNE_EPILOG, formatter_class=formatter, description="Start a fine-tuning job on a dataset.")
    finetune_commands = finetune.add_subparsers(dest="action", metavar="ACTION")
    finetune_commands.required = True
    tune = finetune_commands.add_parser("start", parents=[server_options], epilog=FINETUNE_EPILOG,
                                        formatter_class=formatter, help="start a job on a dataset")
    tune.add_argument("--dataset", type=_positive, required=True, metavar="ID", help="the training dataset's id")
    tune.add_argument("--dataset-version", type=_positive, metavar="N", help="its version (default: the latest)")
    tune.add_argument("--name", required=True,
                      help="the adapter's name (letters, digits, - and _): the model is served as BASE+NAME")
    tune.add_argument("--method", choices=[m.value for m in Method], help="the method (default: lora)")
    tune.add_argument("--base-model", metavar="MODEL", help="the base model (default: the bundled model)")
    tune.add_argument("--epochs", type=_positive, metavar="N", help="passes over the data (default: 3)")
    tune.add_argument("--wait", action="store_true", help="follow the job until it ends; print the tuned model")
    tune.add_argument("--poll", type=_seconds, default=2.0, metavar="SECONDS",
                      help="with --wait: seconds between looks at the job (default 2)")

    experiment = commands.add_parser(
        "experiment", help="experiments on a running platform: promote a variant to a label or a share of it",
        epilog=EXPERIMENT_EPILOG, formatter_class=formatter, description="Promote an experiment's variant.")
    experiment_commands = experiment.add_subparsers(dest="action", metavar="ACTION")
    experiment_commands.required = True
    promote = experiment_commands.add_parser("promote", parents=[server_options], epilog=EXPERIMENT_EPILOG,
                                             formatter_class=formatter, help="point a label at a variant's version")
    promote.add_argument("experiment", type=_positive, metavar="EXPERIMENT_ID", help="the experiment's id")
    promote.add_argument("variant", type=_positive, metavar="VARIANT_ID", help="the variant's id")
    promote.add_argument("--label", default="production", help="the label to move or split (default: production)")
    promote.add_argument("--share", type=_positive, metavar="PERCENT",
                         help="split the label instead: this percent (1-99) of its traffic to the variant")

    split = commands.add_parser(
        "split", help="an app label's A/B split on a running platform: promote the winner or end it",
        epilog=SPLIT_EPILOG, formatter_class=formatter, description="End an app label's A/B traffic split.")
    split_commands = split.add_subparsers(dest="action", metavar="ACTION")
    split_commands.required = True
    winner = split_commands.add_parser("promote", parents=[server_options], epilog=SPLIT_EPILOG,
                                       formatter_class=formatter, help="serve one arm's version to everyone")
    ended = split_commands.add_parser("end", parents=[server_options], epilog=SPLIT_EPILOG,
                                      formatter_class=formatter, help="end the split: serve the label's own version")
    for action in (winner, ended):
        action.add_argument("app", type=_positive, metavar="APP_ID", help="the app's id")
        action.add_argument("label", metavar="LABEL", help="the split label, e.g. production")
    winner.add_argument("version", type=_positive, metavar="VERSION", help="the winning arm's version number")
    ended.add_argument("--keep", type=_positive, metavar="VERSION",
                       help="serve this arm instead (default: the version the label shows)")

    evaluate = commands.add_parser(
        "eval",
        help="test an app or prompt file on a dataset with evaluators (locally or on a platform)",
        epilog=EVAL_EPILOG,
        formatter_class=formatter,
        description="Run a dataset on one or more variants, judge the answers, print the good-result "
                    "ratios per variant and per task.",
    )
    evaluate.add_argument("file", nargs="?", metavar="FILE", help="app graph or prompt version file (local mode)")
    evaluate.add_argument("--dataset", metavar="ROWS", help="test rows: .jsonl, .json or .csv (local mode)")
    evaluate.add_argument(
        "--variant", action="append", default=[], metavar="SPEC",
        help="local: PROVIDER/MODEL[:temperature=0.2,max_tokens=64]; server: prompt=NAME@REF[,model=PROVIDER/MODEL]"
             " (repeatable)",
    )
    evaluate.add_argument("--evaluator", action="append", default=[], metavar="TYPE[:JSON]",
                          help='an evaluator, e.g. exact_match or \'contains:{"value": "refund"}\' (repeatable)')
    evaluate.add_argument("--evaluators", metavar="FILE", help="YAML/JSON list of evaluator configs (type, name, ...)")
    evaluate.add_argument("--primary", metavar="NAME",
                          help="the evaluator that decides good or bad (default: the first)")
    evaluate.add_argument("--min-ratio", type=float, metavar="R",
                          help="exit 1 when a variant's good-result ratio is below R (0 to 1)")
    evaluate.add_argument("--concurrency", type=_positive, default=4, help="cells run at once (default 4)")
    evaluate.add_argument("--json", action="store_true", help="print the results as JSON")
    evaluate.add_argument("--progress", action="store_true", help="show cells done/total on stderr (always on a TTY)")
    evaluate.add_argument("--provider", action="append", default=[], metavar="NAME=BASE_URL",
                          help="add an OpenAI-compatible provider (repeatable); key from LLMOPS_<NAME>_API_KEY")
    evaluate.add_argument("--knowledge", metavar="DIR", help="folder searched by the app's retrieval nodes")
    evaluate.add_argument("--allow-host", action="append", default=[], metavar="HOST[:PORT]",
                          help="let HTTP nodes and tools reach this otherwise blocked host")
    evaluate.add_argument("--server", help="server mode: the platform's URL (default $LLMOPS_SERVER)")
    evaluate.add_argument("--workspace", type=_positive, help="server mode: workspace id")
    evaluate.add_argument("--dataset-id", type=_positive, metavar="ID", help="server mode: a stored dataset")
    evaluate.add_argument("--dataset-version", type=_positive, metavar="N",
                          help="server mode: the dataset's version (default: its latest)")
    evaluate.add_argument("--name", help="server mode: the experiment's name")

    bench = commands.add_parser(
        "bench",
        help="run the engine benchmark (W1-W3) and print its table",
        epilog=BENCH_EPILOG,
        formatter_class=formatter,
        description="Engine benchmark W1-W3 (docs/benchmarks.md).",
    )
    bench.add_argument("--runs", type=_positive, default=2000, help="timed runs of W1 and W2 (default 2000)")
    bench.add_argument("--w3-runs", type=_positive, default=300, help="timed runs of each W3 variant (default 300)")
    bench.add_argument("--warmup", type=_positive, help="untimed warm-up runs of W1 and W2")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``llmops`` console script."""
    # transformers draws progress bars while loading the local model; the CLI says it in words.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "run":
        from runtime.cli.running import cmd_run as command
    elif args.command == "publish":
        from runtime.cli.publish import cmd_publish as command
    elif args.command == "prompt":
        from runtime.cli.prompts import cmd_prompt as command
    elif args.command in ("queue", "finetune", "experiment", "split"):
        from runtime.cli.loop import cmd_loop as command
    elif args.command == "eval":
        from runtime.cli.evaluate import cmd_eval as command
    else:
        from runtime.cli.commands import cmd_bench, cmd_validate

        command = cmd_validate if args.command == "validate" else cmd_bench
    try:
        return command(args)
    except BrokenPipeError:  # `llmops run ... | head`
        sys.stderr.close()
        return 0


__all__ = ["build_parser", "main"]
