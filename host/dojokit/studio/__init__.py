"""The learner studio: a calm, structured block editor (issue 11)."""

import os

# the studio is a window for children: no greeting from pygame on the terminal
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
