"""The Python side of every DashFlow workload: state factories, graph builders, node functions.

Lives in the installed package (not in ``benchmarks/``) because asv installs the package
from the commit being measured, so a change here shows up as a step in the history.
"""
