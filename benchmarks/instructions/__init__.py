"""Instruction counts of the timed regions (callgrind), one module per language.

``instructions.python.<group>.track_<id>`` counts the body of the wall-time benchmark
``<group>.<Class>.time_<id>``; ``instructions.rust.<group>.track_<id>`` the Criterion body of
the same id. See callgrind_bridge/ for how they are measured.
"""
