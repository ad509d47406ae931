# Writes the small ONNX files of the import tests with torch.onnx.export, and beside each the
# input and PyTorch's output as JSON. Run: /usr/bin/python3 make-torch-onnx.py (Debian python3-torch).
import json
import torch
from torch import nn

torch.manual_seed(0)


class LastStep(nn.Module):
    """The seed's LSTMModel: stacked LSTM (batch first) from zeros, Linear on the last step."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True)
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        h0 = torch.zeros(2, x.shape[0], 4)
        c0 = torch.zeros(2, x.shape[0], 4)
        out, _ = self.lstm(x, (h0, c0))
        return self.fc(out[:, -1])


class EveryStep(nn.Module):
    """A bidirectional GRU (time first) with a Linear on every step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4, bidirectional=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out)


def write(name, model, x):
    model.eval()
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, (x,), f"{name}.onnx", input_names=["x"], output_names=["y"], opset_version=14)
    with open(f"{name}.json", "w") as f:
        json.dump({"torch": torch.__version__, "input": {"shape": list(x.shape), "data": x.flatten().tolist()},
                   "output": {"shape": list(y.shape), "data": y.flatten().tolist()}}, f)


write("torch-lstm-last-step", LastStep(), torch.randn(2, 5, 3))
write("torch-gru-every-step", EveryStep(), torch.randn(5, 2, 3))
