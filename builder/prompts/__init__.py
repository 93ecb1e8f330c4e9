"""The prompt library: prompts with immutable versions (messages as sandboxed templates, declared
variables, a model configuration), movable labels with an audit list, diffs, YAML export and
import, and references (``name@label``, ``name@v3``) that apps and the playground resolve."""
