import pytest

from builder.flows.graphs import graph_issues, parse_graph
from builder.flows.models import App
from builder.studio.demo import demo_load
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_workspace_gets_the_example_apps_once_and_they_are_valid():
    admin = UserFactory()

    workspace = demo_load(owner=admin)
    demo_load(owner=admin)  # a second start

    apps = App.objects.filter(workspace=workspace)
    assert apps.count() >= 4
    assert len({app.name for app in apps}) == apps.count()
    for app in apps:
        assert graph_issues(parse_graph(app.draft), workspace_id=app.workspace_id) == [], app.name
    assert workspace.memberships.get(user=admin).role == "owner"


def test_the_demo_apps_say_what_they_do_not_which_command_to_type():
    """The app cards show these descriptions: commands for a terminal belong in the README."""
    workspace = demo_load(owner=UserFactory())

    for app in App.objects.filter(workspace=workspace):
        assert app.description, app.name
        assert "llmops " not in app.description and "--" not in app.description, (app.name, app.description)


def test_the_demo_workspace_gets_the_example_prompt_with_its_versions_and_labels_once():
    from builder.prompts.models import Prompt

    admin = UserFactory()
    workspace = demo_load(owner=admin)
    demo_load(owner=admin)

    prompt = Prompt.objects.get(workspace=workspace, name="support-answer")
    assert prompt.versions.count() == 2
    assert {label.name: label.version.number for label in prompt.labels.all()} == {"production": 1, "staging": 2}


def test_the_demo_workspace_gets_a_tagged_dataset_for_the_example_prompt_once():
    from builder.datasets.models import Dataset

    admin = UserFactory()
    workspace = demo_load(owner=admin)
    demo_load(owner=admin)

    dataset = Dataset.objects.get(workspace=workspace)
    version = dataset.versions.get()
    assert dataset.name == "support-questions" and version.row_count == 12
    assert version.tags == ["account", "billing", "bug"] and version.columns == ["question", "tone"]
    assert all(row.expected for row in version.rows.all())


def test_the_demo_workspace_gets_a_review_queue_that_samples_published_runs_and_takes_every_thumbs_down_once():
    from builder.annotation.models import AnnotationQueue, ScoreConfig

    admin = UserFactory()
    workspace = demo_load(owner=admin)
    demo_load(owner=admin)

    queue = AnnotationQueue.objects.get(workspace=workspace)
    assert queue.name == "Support answers" and queue.blind and queue.instructions.startswith("Read")
    assert [c.name for c in queue.score_configs.order_by("name")] == ["Correct", "Helpful", "Note", "Polite"]
    assert ScoreConfig.objects.filter(workspace=workspace).count() == 4
    rules = queue.rules.order_by("pk")
    assert [(r.sample_percent, r.negative_feedback, r.app_id, r.enabled) for r in rules] == [
        (10, False, None, True), (100, True, None, True)]  # a share of every run, and every thumbs down
