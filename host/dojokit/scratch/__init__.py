"""Scratch 3 projects on the host: the runtime and the robot block extension."""
