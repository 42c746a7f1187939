"""Tests of MLPModule."""

import pytest

torch = pytest.importorskip("torch")

from imbestimators.neural import MLPModule  # noqa: E402


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity", "gelu"])
def test_mlp_module_layers(activation):
    """Check the layer stack: Linear, activation, Dropout per hidden layer."""
    module = MLPModule(
        n_features=5,
        n_outputs=3,
        hidden_layer_sizes=(8, 4),
        activation=activation,
        dropout=0.5,
    )
    kinds = [type(layer).__name__ for layer in module.layers]
    assert kinds[0::3] == ["Linear", "Linear", "Linear"]
    assert kinds[2::3] == ["Dropout", "Dropout"]
    widths = [layer.out_features for layer in module.layers[0::3]]
    assert widths == [8, 4, 3]
    assert module(torch.zeros(7, 5)).shape == (7, 3)


def test_mlp_module_without_hidden_layers_or_dropout():
    """Check that no hidden layer gives one Linear layer and no Dropout."""
    module = MLPModule(n_features=2, n_outputs=2, hidden_layer_sizes=())
    assert [type(layer).__name__ for layer in module.layers] == ["Linear"]
    module = MLPModule(n_features=2, n_outputs=2, hidden_layer_sizes=(3,))
    assert "Dropout" not in [type(layer).__name__ for layer in module.layers]


def test_mlp_module_dtype():
    """Check that dtype sets the weights' precision."""
    module = MLPModule(n_features=2, n_outputs=2, dtype=torch.float64)
    assert all(p.dtype == torch.float64 for p in module.parameters())
    assert module(torch.zeros(1, 2, dtype=torch.float64)).dtype == torch.float64
