# The PyTorch CPU peer of `pnpm bench`: the same workloads with torch.nn, answering the harness's
# JSON-line requests (init, setup, run, teardown) on stdout. Shapes are time-major [T, B, I] as
# nn.LSTM's default; B batch, T steps, I input, H hidden. `--export-onnx SHAPE_JSON PATH` writes
# the inference cases' models (W1, W4 forward, W6) with torch.onnx.export for the ort-* peers.

import json
import os
import sys
import time

# Only protocol lines may reach the harness: everything else printed goes to stderr.
_protocol = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence
except Exception as error:  # the harness turns this into error entries, never a failed run
    _protocol.write(json.dumps({"ok": False, "error": f"import torch failed: {error}"}) + "\n")
    sys.exit(0)


class Unsupported(Exception):
    pass


def recurrent(cell, input_size, hidden_size, **options):
    if cell == "lstm":
        return nn.LSTM(input_size, hidden_size, **options)
    if cell == "gru":
        return nn.GRU(input_size, hidden_size, **options)
    return nn.RNN(input_size, hidden_size, nonlinearity="tanh", **options)


def last_hidden(cell, state):
    """h_n of the last layer from an LSTM's (h, c) or a GRU/RNN's h."""
    h = state[0] if cell == "lstm" else state
    return h[-1]


def mm_gflops(size=2048, warmups=2, repeats=5):
    """Best-of-N torch.mm at size³: tells whether a fast BLAS is loaded (reference BLAS ≈ 6 GFLOP/s)."""
    a = torch.randn(size, size)
    b = torch.randn(size, size)
    for _ in range(warmups):
        torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - started)
    return 2 * size**3 / best / 1e9


def loaded_blas():
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return sorted(paths)
    except OSError:
        return []


def blas_name():
    """The BLAS implementation actually loaded (OpenBLAS over the reference libblas when both are mapped)."""
    paths = loaded_blas()
    preferred = [path for path in paths if "openblas" in os.path.basename(path)] or paths
    return preferred[0] if preferred else "not identified"


def init(request):
    threads = int(request.get("threads", 1))
    torch.set_num_threads(threads)
    return {
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "variant": "CPU, BLAS " + blas_name(),
        # A quick run is a smoke test: one timed mm is enough to spot the reference BLAS.
        "mm_gflops_2048": round(mm_gflops(warmups=1, repeats=1) if request.get("quick") else mm_gflops(), 1),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "ld_library_path": os.environ.get("LD_LIBRARY_PATH"),
        "python": sys.version.split()[0],
    }


def prepare(spec):
    shape = spec["shape"]
    kind = shape["kind"]
    torch.manual_seed(0)
    if kind == "matmul":
        a = torch.randn(shape["m"], shape["k"])
        b = torch.randn(shape["k"], shape["n"])
        return lambda: torch.mm(a, b)

    if kind == "rnn-forward":
        model = recurrent(shape["cell"], shape["inputSize"], shape["hiddenSize"]).eval()
        x = torch.randn(shape["steps"], shape["batch"], shape["inputSize"])

        def forward():
            with torch.no_grad():
                model(x)

        return forward

    if kind == "rnn-train":
        cell = shape["cell"]
        model = recurrent(cell, shape["inputSize"], shape["hiddenSize"])
        head = nn.Linear(shape["hiddenSize"], shape["classes"])
        optimizer = torch.optim.Adam([*model.parameters(), *head.parameters()], lr=1e-3)
        x = torch.randn(shape["steps"], shape["batch"], shape["inputSize"])
        target = torch.randint(0, shape["classes"], (shape["batch"],))
        lengths = shape.get("lengths")

        def train():
            if lengths is not None:
                packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
                last = last_hidden(cell, model(packed)[1])
            else:
                last = model(x)[0][-1]
            loss = F.cross_entropy(head(last), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        return train

    if kind in ("online-forward", "online-train"):
        model = nn.LSTM(shape["inputSize"], shape["hiddenSize"])
        head = nn.Linear(shape["hiddenSize"], 1)
        x = torch.randn(shape["steps"], 1, shape["inputSize"])
        target = torch.randn(1, 1)
        if kind == "online-forward":

            def forward():
                with torch.no_grad():
                    head(model(x)[0][-1])

            return forward
        optimizer = torch.optim.Adam([*model.parameters(), *head.parameters()], lr=1e-3)

        def train():
            loss = F.mse_loss(head(model(x)[0][-1]), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        return train

    if kind == "text-classifier":
        embedding = nn.Embedding(shape["vocab"], shape["embedding"])
        lstm = nn.LSTM(shape["embedding"], shape["hiddenSize"], num_layers=shape["layers"], bidirectional=True)
        head = nn.Linear(2 * shape["hiddenSize"], shape["classes"])
        params = [*embedding.parameters(), *lstm.parameters(), *head.parameters()]
        optimizer = torch.optim.Adam(params, lr=1e-3)
        tokens = torch.randint(0, shape["vocab"], (shape["steps"], shape["batch"]))
        target = torch.randint(0, shape["classes"], (shape["batch"],))

        def train():
            output = lstm(embedding(tokens))[0]
            loss = F.cross_entropy(head(output[-1]), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        return train

    if kind == "stream-step":
        model = nn.LSTM(shape["inputSize"], shape["hiddenSize"], num_layers=shape["layers"]).eval()
        x = torch.randn(1, 1, shape["inputSize"])
        state = [
            (torch.zeros(shape["layers"], 1, shape["hiddenSize"]), torch.zeros(shape["layers"], 1, shape["hiddenSize"]))
        ]

        def step():
            with torch.no_grad():
                _, state[0] = model(x, state[0])

        return step

    if kind in ("lnlstm-grad", "mha-grad"):
        if kind == "lnlstm-grad":
            model = LayerNormLSTM(shape["inputSize"], shape["hiddenSize"])
            x = torch.randn(shape["steps"], shape["batch"], shape["inputSize"])

            def output():
                return model(x)
        else:
            model = nn.MultiheadAttention(shape["embedDim"], shape["numHeads"])
            x = torch.randn(shape["steps"], shape["batch"], shape["embedDim"])

            def output():
                return model(x, x, x, need_weights=False)[0]

        def grad():
            model.zero_grad()
            output().sum().backward()

        return grad

    raise Unsupported(f"no PyTorch implementation of {kind}")


class LayerNormLSTM(nn.Module):
    """W10: benchmarks/fastrnns/custom_lstms.py's LayerNormLSTMCell over time, eager; LN_i over every
    step in one call, as Recur does. gates = LN_i(x W_ih^T) + LN_h(h W_hh^T) (i f g o),
    c' = LN_c(sig(f) c + sig(i) tanh(g)), h' = sig(o) tanh(c')."""

    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.randn(4 * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.randn(4 * hidden_size, hidden_size))
        self.layernorm_i = nn.LayerNorm(4 * hidden_size)
        self.layernorm_h = nn.LayerNorm(4 * hidden_size)
        self.layernorm_c = nn.LayerNorm(hidden_size)

    def forward(self, x):
        steps, batch = x.shape[0], x.shape[1]
        h = x.new_zeros(batch, self.hidden_size)
        c = x.new_zeros(batch, self.hidden_size)
        projected = self.layernorm_i(torch.matmul(x, self.weight_ih.t()))
        outputs = []
        for t in range(steps):
            gates = projected[t] + self.layernorm_h(torch.mm(h, self.weight_hh.t()))
            i, f, g, o = gates.chunk(4, 1)
            c = self.layernorm_c(torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g))
            h = torch.sigmoid(o) * torch.tanh(c)
            outputs.append(h)
        return torch.stack(outputs)


class _Sequence(nn.Module):
    """W1: the full output sequence of one recurrent layer."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)[0]


class _Online(nn.Module):
    """W4 forward: LSTM, then Linear(H→1) on the last step."""

    def __init__(self, model, head):
        super().__init__()
        self.model = model
        self.head = head

    def forward(self, x):
        return self.head(self.model(x)[0][-1])


class _Step(nn.Module):
    """W6: one LSTM step with the state in and out."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x, h0, c0):
        y, (h, c) = self.model(x, (h0, c0))
        return y, h, c


def export_onnx(shape, path):
    """The model of an inference case as ONNX (inputs x [, h0, c0]; outputs y [, hn, cn])."""
    kind = shape["kind"]
    torch.manual_seed(0)
    if kind == "rnn-forward":
        module = _Sequence(recurrent(shape["cell"], shape["inputSize"], shape["hiddenSize"]))
        inputs = (torch.randn(shape["steps"], shape["batch"], shape["inputSize"]),)
        names = (["x"], ["y"])
    elif kind == "online-forward":
        module = _Online(nn.LSTM(shape["inputSize"], shape["hiddenSize"]), nn.Linear(shape["hiddenSize"], 1))
        inputs = (torch.randn(shape["steps"], 1, shape["inputSize"]),)
        names = (["x"], ["y"])
    elif kind == "stream-step" and not shape.get("wrapper"):
        layers, hidden = shape["layers"], shape["hiddenSize"]
        module = _Step(nn.LSTM(shape["inputSize"], hidden, num_layers=layers))
        inputs = (torch.randn(1, 1, shape["inputSize"]), torch.zeros(layers, 1, hidden), torch.zeros(layers, 1, hidden))
        names = (["x", "h0", "c0"], ["y", "hn", "cn"])
    else:
        raise Unsupported(f"no ONNX export of {kind}")
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, inputs, path, input_names=names[0], output_names=names[1], opset_version=14)


def serve():
    iteration = None
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            kind = request["type"]
            if kind == "init":
                reply = {"ok": True, "info": init(request)}
            elif kind == "setup":
                iteration = None
                iteration = prepare(request["spec"])
                reply = {"ok": True}
            elif kind == "run":
                times = []
                for _ in range(int(request["count"])):
                    started = time.perf_counter()
                    iteration()
                    times.append((time.perf_counter() - started) * 1000)
                reply = {"ok": True, "times": times}
            elif kind == "teardown":
                iteration = None
                reply = {"ok": True}
            else:
                reply = {"ok": False, "error": f"unknown request {kind}"}
        except Unsupported as error:
            reply = {"ok": False, "error": f"unsupported: {error}"}
        except Exception as error:
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        _protocol.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--export-onnx":
        try:
            export_onnx(json.loads(sys.argv[2]), sys.argv[3])
            _protocol.write(json.dumps({"ok": True}) + "\n")
        except Unsupported as error:
            _protocol.write(json.dumps({"ok": False, "error": f"unsupported: {error}"}) + "\n")
        except Exception as error:
            _protocol.write(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}) + "\n")
    else:
        serve()
