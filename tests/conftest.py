"""Shared test configuration: hypothesis profiles and the devices to test on."""

import os

import pytest
import torch
from hypothesis import HealthCheck, settings

# The rendered soccer set, made once per session for every test that needs it.
pytest_plugins = ["soccer_fixtures", "lab_fixtures"]
# (lab_fixtures: each lab notebook executed once per session, shared by the notebook and key-result tests.)

# CI has 2 cores and a 5-minute budget for the whole suite: few examples, no deadline
# (the first call of a torch op can be slow). CS229NN_HYPOTHESIS=thorough for more.
settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("CS229NN_HYPOTHESIS", "ci"))

torch.set_num_threads(min(2, torch.get_num_threads()))

CUDA = torch.cuda.is_available()
requires_cuda = pytest.mark.skipif(not CUDA, reason="CUDA is not available")

# Parametrize device-dependent tests with DEVICES: the CUDA case is skipped, not dropped, without a GPU.
DEVICES = ["cpu", pytest.param("cuda", marks=[requires_cuda, pytest.mark.cuda])]
