"""The regression gate, bisection and noise calibration: dashbench's verdicts on asv's data."""
