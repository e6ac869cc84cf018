"""Fixtures for health check tests."""

from __future__ import annotations

import pytest

from portal import registry


@pytest.fixture
def metric_registry(monkeypatch):
    """Register live figures in a test through the real registry; the registry is restored after."""
    monkeypatch.setattr(registry, "_metrics", dict(registry._metrics))

    def _register(key, compute, *, unit="percent", higher_is_better=True, label="Test figure"):
        return registry.register_metric(
            registry.Metric(key, label, "A figure registered by a test.", unit, compute, higher_is_better)
        )

    return _register
