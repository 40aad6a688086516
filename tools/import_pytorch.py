#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Imports a PyTorch model into ctnn: writes a ctnn model file (the format of
include/ctnn/io/model_file.hpp), optionally a header (the format of
ctnn::export_header), and prints the matching ctnn::network<...> type.

Supported modules, in an nn.Sequential (nested Sequentials are flattened):
  nn.Linear [+ one activation module right after it: ReLU, LeakyReLU, Sigmoid,
  Tanh, ELU, SiLU, GELU (approximate 'none' or 'tanh'), Softmax(dim=1 or -1),
  fused into ctnn::dense]; any of those activations elsewhere (e.g. Linear,
  BatchNorm1d, GELU) becomes a ctnn::activation layer;
  nn.BatchNorm1d (affine, track_running_stats), nn.Dropout, nn.Identity, and
  residual blocks: any module with a `body` nn.Sequential whose forward is
  x + body(x) (its class name must contain "Residual"; see Residual below);
  sequence layers: nn.GRU and nn.LSTM (one direction, no projection;
  num_layers = k becomes k layers), nn.Conv1d (stride 1, no padding, one
  group: ctnn::conv1d pads on the left, causally; an activation right after
  it is fused); and amp-modelling modules as that code writes them — a
  module (not a Sequential) whose children, in registration order, are the
  layers (e.g. `rec` = nn.LSTM, `lin` = nn.Linear) and whose integer
  attribute `skip` says that the first `skip` input features are added to
  the output (skip = 0: no skip; the input and output widths must match):
  ctnn::residual<...> around the children.
Anything else is refused with the module's name.

Usage (Debian's Python with python3-torch):
  /usr/bin/python3 tools/import_pytorch.py MODEL.pt --out model.ctnn \\
      [--header model.hpp --name my_model] [--build "EXPR"]
MODEL.pt holds a module saved with torch.save(module), or a state_dict; for a
state_dict, --build gives the Python expression that constructs the module
(nn, torch and Residual are in scope), e.g.
  --build "nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))"
"""
import argparse
import math
import struct
import sys
from fractions import Fraction

try:
    import torch
    import torch.nn as nn
except ImportError:  # --help and the messages work without PyTorch; converting needs it
    torch = nn = None

# What the importer takes, as its refusals list it.
SUPPORTED = ("nn.Linear (+ one activation module right after it: ReLU, LeakyReLU, Sigmoid, Tanh, ELU, SiLU, "
             "GELU, Softmax(dim=1)), those activations on their own, nn.BatchNorm1d, nn.Dropout, nn.Identity, nested nn.Sequential, and residual "
             "modules (a `body` nn.Sequential computing x + body(x), class name containing 'Residual'), nn.GRU, nn.LSTM, "
             "nn.Conv1d (stride 1, padding 0, groups 1; causal in ctnn), and modules with a `skip` attribute whose "
             "children are those layers (amp models)")


def unsupported_message(module_name):
    """The refusal for a module the importer cannot express."""
    return f"unsupported module {module_name}; supported: {SUPPORTED}"


if nn is not None:

    class Residual(nn.Module):
        """y = x + body(x); ctnn::residual<...> in C++."""

        def __init__(self, *mods):
            super().__init__()
            self.body = nn.Sequential(*mods)

        def forward(self, x):
            return x + self.body(x)


class ImportError_(Exception):
    pass


def ratio(value, what, max_den=10000):
    f = Fraction(value).limit_denominator(max_den)
    if abs(float(f) - value) > 1e-9 * max(1.0, abs(value)):
        raise ImportError_(f"{what} = {value} is not a ratio with denominator <= {max_den}")
    return f.numerator, f.denominator


def activation_name(mod):
    if isinstance(mod, nn.ReLU):
        return "ctnn::relu"
    if isinstance(mod, nn.LeakyReLU):
        n, d = ratio(mod.negative_slope, "LeakyReLU negative_slope")
        return f"ctnn::leaky_relu<{n}, {d}>"
    if isinstance(mod, nn.Sigmoid):
        return "ctnn::sigmoid"
    if isinstance(mod, nn.Tanh):
        return "ctnn::tanh"
    if isinstance(mod, nn.ELU):
        n, d = ratio(mod.alpha, "ELU alpha")
        return f"ctnn::elu<{n}, {d}>"
    if isinstance(mod, nn.SiLU):
        return "ctnn::silu"
    if isinstance(mod, nn.GELU):
        return "ctnn::gelu_tanh" if mod.approximate == "tanh" else "ctnn::gelu"
    if isinstance(mod, nn.Softmax):
        if mod.dim not in (1, -1):
            raise ImportError_("nn.Softmax must act on dim 1 (the features)")
        return "ctnn::softmax"
    return None


def is_skip_module(m):
    """An amp-modelling module: children are the layers, `skip` an int."""
    return (not isinstance(m, nn.Sequential) and isinstance(getattr(m, "skip", None), (int, bool))
            and not isinstance(m.skip, float) and len(list(m.children())) > 0)


def flatten(mods):
    for m in mods:
        if isinstance(m, nn.Sequential):
            yield from flatten(m)
        elif is_skip_module(m) and not m.skip:
            yield from flatten(list(m.children()))
        else:
            yield m


def recurrent_specs(m, width, params):
    """nn.GRU / nn.LSTM: one ctnn layer per PyTorch layer, parameters in
    state_dict order (weight_ih, weight_hh, bias_ih, bias_hh per layer)."""
    kind = "gru" if isinstance(m, nn.GRU) else "lstm"
    gates = 3 if kind == "gru" else 4
    if m.bidirectional:
        raise ImportError_(f"nn.{type(m).__name__}: bidirectional layers are not causal; ctnn streams one direction")
    if getattr(m, "proj_size", 0):
        raise ImportError_("nn.LSTM with proj_size > 0 is not supported")
    if m.input_size != width:
        raise ImportError_(f"nn.{type(m).__name__}({m.input_size}, {m.hidden_size}) after {width} features")
    specs = []
    h = m.hidden_size
    for k in range(m.num_layers):
        params += getattr(m, f"weight_ih_l{k}").detach().reshape(-1).tolist()
        params += getattr(m, f"weight_hh_l{k}").detach().reshape(-1).tolist()
        for name in (f"bias_ih_l{k}", f"bias_hh_l{k}"):
            b = getattr(m, name) if m.bias else None
            params += (b.detach().reshape(-1).tolist() if b is not None else [0.0] * (gates * h))
        specs.append(f"ctnn::{kind}<{h}>")
    return specs, h


def conv1d_spec(m, width, act, params):
    """nn.Conv1d as ctnn::conv1d (causal: ctnn pads (K-1)·d on the left)."""
    if m.in_channels != width:
        raise ImportError_(f"nn.Conv1d({m.in_channels}, {m.out_channels}) after {width} features")
    if m.stride != (1,) or m.groups != 1 or m.padding not in ((0,), 0, "valid") or m.padding_mode != "zeros":
        raise ImportError_("nn.Conv1d must have stride 1, groups 1 and padding 0: ctnn::conv1d is causal (it pads "
                           "(kernel-1)*dilation zeros on the left, as a streaming model does)")
    params += m.weight.detach().reshape(-1).tolist()
    bias = m.bias.detach() if m.bias is not None else torch.zeros(m.out_channels)
    params += bias.reshape(-1).tolist()
    return f"ctnn::conv1d<{m.out_channels}, {m.kernel_size[0]}, {m.dilation[0]}, {act}>", m.out_channels


class Layers:
    """Walks modules; collects spec texts, parameters and buffers in ctnn's
    interchange order (the order of module.parameters())."""

    def __init__(self):
        self.params = []
        self.buffers = []

    def convert(self, mods, width):
        specs = []
        mods = [m for m in flatten(mods) if not isinstance(m, nn.Identity)]
        i = 0
        while i < len(mods):
            m = mods[i]
            if isinstance(m, nn.Linear):
                if m.in_features != width:
                    raise ImportError_(f"nn.Linear({m.in_features}, {m.out_features}) after {width} features")
                act = "ctnn::identity"
                if i + 1 < len(mods) and activation_name(mods[i + 1]) is not None:
                    act = activation_name(mods[i + 1])
                    i += 1
                specs.append(f"ctnn::dense<{m.out_features}, {act}>")
                self.params += m.weight.detach().reshape(-1).tolist()
                bias = m.bias.detach() if m.bias is not None else torch.zeros(m.out_features)
                self.params += bias.reshape(-1).tolist()
                width = m.out_features
            elif isinstance(m, nn.BatchNorm1d):
                if not (m.affine and m.track_running_stats) or m.momentum is None:
                    raise ImportError_("nn.BatchNorm1d needs affine=True, track_running_stats=True and a momentum")
                if m.num_features != width:
                    raise ImportError_(f"nn.BatchNorm1d({m.num_features}) after {width} features")
                exp = -math.log10(m.eps)
                if abs(exp - round(exp)) > 1e-9:
                    raise ImportError_(f"nn.BatchNorm1d eps = {m.eps} is not a power of ten")
                n, d = ratio(m.momentum, "BatchNorm1d momentum")
                specs.append(f"ctnn::batch_norm<{n}, {d}, {round(exp)}>")
                self.params += m.weight.detach().tolist() + m.bias.detach().tolist()
                self.buffers += m.running_mean.tolist() + m.running_var.tolist()
            elif isinstance(m, nn.Dropout):
                n, d = ratio(m.p, "Dropout p", 100000)
                specs.append(f"ctnn::dropout<{n}, {d}, 0>")
            elif isinstance(m, (nn.GRU, nn.LSTM)):
                inner, width = recurrent_specs(m, width, self.params)
                specs += inner
            elif isinstance(m, nn.Conv1d):
                act = "ctnn::identity"
                if i + 1 < len(mods) and activation_name(mods[i + 1]) not in (None, "ctnn::softmax"):
                    act = activation_name(mods[i + 1])
                    i += 1
                spec, width = conv1d_spec(m, width, act, self.params)
                specs.append(spec)
            elif is_skip_module(m):
                if m.skip != width:
                    raise ImportError_(f"{type(m).__name__}: skip = {m.skip} adds {m.skip} input features, but the "
                                       f"input has {width} (ctnn::residual adds all of them)")
                inner = self.convert(list(m.children()), width)
                if inner[1] != width:
                    raise ImportError_(f"{type(m).__name__}: its layers map {width} features to {inner[1]}, "
                                       "but the skip adds the input to the output")
                specs.append("ctnn::residual<" + ", ".join(inner[0]) + ">")
            elif "Residual" in type(m).__name__ and isinstance(getattr(m, "body", None), nn.Sequential):
                inner = self.convert(list(m.body), width)
                specs.append("ctnn::residual<" + ", ".join(inner[0]) + ">")
                if inner[1] != width:
                    raise ImportError_(f"{type(m).__name__}: its body maps {width} features to {inner[1]}")
            elif activation_name(m) is not None:
                # Not right after an nn.Linear (e.g. Linear -> BatchNorm1d -> GELU): a layer of its own.
                specs.append(f"ctnn::activation<{activation_name(m)}>")
            else:
                raise ImportError_(unsupported_message(type(m).__name__))
            i += 1
        return specs, width


def input_width(mods):
    for m in flatten(mods):
        if isinstance(m, nn.Linear):
            return m.in_features
        if isinstance(m, nn.BatchNorm1d):
            return m.num_features
        if isinstance(m, (nn.GRU, nn.LSTM)):
            return m.input_size
        if isinstance(m, nn.Conv1d):
            return m.in_channels
        if hasattr(m, "body"):
            return input_width(list(m.body))
        if is_skip_module(m):
            return input_width(list(m.children()))
    raise ImportError_("no nn.Linear, nn.BatchNorm1d, nn.GRU, nn.LSTM or nn.Conv1d to take the input size from")


def convert(model):
    """Returns (network type text, parameters, buffers)."""
    mods = list(model) if isinstance(model, nn.Sequential) else [model]
    width = input_width(mods)
    layers = Layers()
    specs, _ = layers.convert(mods, width)
    sig = f"ctnn::network<ctnn::input<{width}>, " + ", ".join(specs) + ">"
    return sig, layers.params, layers.buffers


def fnv1a(data):
    h = 1469598103934665603
    for b in data:
        h ^= b
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def model_file_bytes(sig, params, buffers):
    """The ctnn model file: version 1 without buffers, 2 with."""
    for v in params + buffers:
        if not math.isfinite(v):
            raise ImportError_("the model holds NaN or infinite values")
    version = 2 if buffers else 1
    b = bytearray(b"CTNNMDL\0")
    b += struct.pack("<III", version, 1, len(sig.encode()))
    b += sig.encode()
    b += struct.pack("<Q", len(params)) + struct.pack(f"<{len(params)}f", *params)
    if buffers:
        b += struct.pack("<Q", len(buffers)) + struct.pack(f"<{len(buffers)}f", *buffers)
    b += struct.pack("<Q", fnv1a(b))
    return bytes(b)


def hex_floats(values):
    out = ""
    for k, v in enumerate(values):
        f = struct.unpack("<f", struct.pack("<f", v))[0]
        out += ("    " if k % 6 == 0 else " ") + f.hex() + "f,"
        if k % 6 == 5 or k + 1 == len(values):
            out += "\n"
    return out


def header_text(sig, params, buffers, name):
    """The same header ctnn::export_header writes."""
    h = "// Generated by tools/import_pytorch.py. Do not edit: regenerate it from the model.\n"
    h += f"// Network: {sig}, {len(params)} parameters.\n"
    h += "#pragma once\n\n#include <array>\n#include <span>\n\n"
    if "ctnn::activation<" in sig:
        h += "#include <ctnn/layers/activation.hpp>\n"
    h += "#include <ctnn/layers/batch_norm.hpp>\n"
    if "ctnn::conv1d<" in sig:
        h += "#include <ctnn/layers/conv1d.hpp>\n"
    h += "#include <ctnn/layers/dropout.hpp>\n"
    if "ctnn::gru<" in sig or "ctnn::lstm<" in sig:
        h += "#include <ctnn/layers/recurrent.hpp>\n"
    h += "#include <ctnn/layers/residual.hpp>\n#include <ctnn/network.hpp>\n#include <ctnn/parameters.hpp>\n\n"
    h += f"namespace {name} {{\n\nusing network_type = {sig};\n\n"
    h += "/// Parameters in interchange order (PyTorch state_dict order), exact.\n"
    h += f"inline constexpr std::array<float, {len(params)}> parameters{{\n" + hex_floats(params) + "};\n\n"
    if buffers:
        h += "/// Non-trainable state (batch_norm running statistics), exact.\n"
        h += f"inline constexpr std::array<float, {len(buffers)}> buffers{{\n" + hex_floats(buffers) + "};\n\n"
    h += network_text(bool(buffers)) + f"}}  // namespace {name}\n"
    return h


def network_text(has_buffers):
    """The header's tail after the arrays: detail::exported_network_text in
    include/ctnn/io/export_header.hpp, character for character."""
    h = ("/// The network built from the arrays in a constant expression, for a model the compiler evaluates:\n"
         "///   constexpr network_type net = make_network();\n"
         "/// Beyond ~10^5 parameters that needs a raised budget: g++ -fconstexpr-ops-limit=N, clang\n"
         "/// -fconstexpr-steps=N (try N = 100 * parameter_count).\n"
         "constexpr network_type make_network() noexcept {\n"
         "  network_type net;\n"
         "  ctnn::set_parameters(net, std::span<const float, network_type::parameter_count>(parameters));\n")
    if has_buffers:
        h += "  ctnn::set_buffers(net, std::span<const float, network_type::buffer_count>(buffers));\n"
    h += ("  return net;\n"
          "}\n\n"
          "/// Not constexpr on purpose: `network` is built when the program starts, not by the compiler.\n"
          "inline network_type load_network() noexcept { return make_network(); }\n\n"
          "/// The trained network, ready to use (built at program start: a header of any size compiles with the\n"
          "/// compilers' default limits). Use it from main() on, not from other static initialisers.\n"
          "inline const network_type network = load_network();\n\n")
    return h


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="torch.save'd module or state_dict")
    ap.add_argument("--out", required=True, help="ctnn model file to write")
    ap.add_argument("--header", help="also write a C++ header with constexpr parameters")
    ap.add_argument("--name", default="model", help="namespace of the header (default: model)")
    ap.add_argument("--build", help="Python expression building the module, for a state_dict")
    a = ap.parse_args()
    if torch is None:
        sys.exit("import_pytorch: needs PyTorch (Debian: apt-get install python3-torch; run /usr/bin/python3)")
    obj = torch.load(a.model, weights_only=False)
    if isinstance(obj, dict):
        if not a.build:
            sys.exit("import_pytorch: the file holds a state_dict; pass --build with the module's constructor")
        model = eval(a.build, {"nn": nn, "torch": torch, "Residual": Residual})
        model.load_state_dict(obj)
    else:
        model = obj
    try:
        sig, params, buffers = convert(model)
    except ImportError_ as e:
        sys.exit(f"import_pytorch: {e}")
    with open(a.out, "wb") as f:
        f.write(model_file_bytes(sig, params, buffers))
    if a.header:
        with open(a.header, "w") as f:
            f.write(header_text(sig, params, buffers, a.name))
    print(f"using Net = {sig};")
    print(f"// {len(params)} parameters, {len(buffers)} buffers -> {a.out}" + (f", {a.header}" if a.header else ""))


if __name__ == "__main__":
    main()
