"""The feed-forward network trained by FocalLossMLPClassifier."""

from torch import nn

__all__ = ["MLPModule"]

ACTIVATIONS = {
    "identity": nn.Identity,
    "logistic": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "gelu": nn.GELU,
}


class MLPModule(nn.Module):
    """A multilayer perceptron that returns one logit per class.

    ``Linear -> activation -> Dropout`` for each hidden layer, then a last
    ``Linear`` layer with ``n_outputs`` units and no activation (the loss takes
    logits). PyTorch's default initialisation is used.

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_outputs : int
        Number of output logits (the number of classes).
    hidden_layer_sizes : sequence of int, default=(100,)
        Width of each hidden layer.
    activation : {'relu', 'tanh', 'logistic', 'identity', 'gelu'}, default='relu'
        Activation after each hidden layer, with scikit-learn's names.
    dropout : float, default=0.0
        Dropout probability after each hidden activation.
    dtype : torch.dtype, default=None
        Dtype of the weights; None is torch's default (float32).

    Examples
    --------
    >>> import torch
    >>> from imbestimators.neural import MLPModule
    >>> module = MLPModule(n_features=4, n_outputs=3, hidden_layer_sizes=(8, 8))
    >>> module(torch.zeros(5, 4)).shape
    torch.Size([5, 3])
    """

    def __init__(
        self,
        n_features,
        n_outputs,
        hidden_layer_sizes=(100,),
        activation="relu",
        dropout=0.0,
        dtype=None,
    ):
        super().__init__()
        layers = []
        n_in = n_features
        for width in hidden_layer_sizes:
            layers += [nn.Linear(n_in, width, dtype=dtype), ACTIVATIONS[activation]()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            n_in = width
        layers.append(nn.Linear(n_in, n_outputs, dtype=dtype))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        return self.layers(X)
