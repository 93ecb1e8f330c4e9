"""The Prompt IDE's playground: one prompt (a library version or a draft) run on up to four model
configurations side by side, each column a recorded run (source ``playground``) executed through
the one run pipeline, all columns of a request at once."""
