"""needsassess: local domestic-abuse needs assessments, reproducible from one command."""

__version__ = "0.1.0"
