"""The pure parts of the roofline benchmark: FLOP counts, bf16 flags, op kinds."""

import keras
import pytest

from tfgan_zoo.benchmarking import flops
from tfgan_zoo.benchmarking import machine
from tfgan_zoo.benchmarking import profile
from tfgan_zoo.benchmarking import roofline


def _networks():
    z = keras.Input((3,), name="z")
    h = keras.layers.Dense(2 * 2 * 4, use_bias=False, name="project")(z)
    h = keras.layers.Reshape((2, 2, 4))(h)
    g_out = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", name="deconv")(h)
    generator = keras.Model(z, g_out, name="generator")
    x = keras.Input((4, 4, 1), name="x")
    h = keras.layers.Conv2D(2, 3, strides=2, padding="same", name="conv")(x)
    h = keras.layers.BatchNormalization(name="conv_bn")(h)
    d_out = keras.layers.Dense(1, name="logits")(keras.layers.Flatten()(h))
    return generator, keras.Model(x, d_out, name="discriminator")


def test_layer_macs_by_hand():
    generator, discriminator = _networks()
    # Dense 3 -> 16: 48 MACs. Conv2DTranspose 3x3, 4 -> 1 channels, on a 2x2
    # input: every input pixel scatters 3*3*4*1 = 36 MACs, 4 pixels: 144.
    assert flops.layer_macs(generator) == [("project", 48), ("deconv", 144)]
    # Conv2D 3x3, 1 -> 2 channels, stride 2 "same" on 4x4: 2x2 outputs of
    # 3*3*1*2 = 18 MACs: 72. Dense 8 -> 1: 8.
    assert flops.layer_macs(discriminator) == [("conv", 72), ("logits", 8)]


def test_step_flops_per_layer_sum_to_the_total():
    generator, discriminator = _networks()
    out = flops.gan_step_flops(generator, discriminator, batch_size=2, d_steps=3)
    assert sum(out["layers"].values()) == out["total"]
    # D's first layer: 3 D updates of forward + weight gradient on 2x2 examples,
    # (no input gradient into data), and the G update's forward + input
    # gradient on 2 examples: 2 FLOPs * 72 MACs * (3 * 2 * 4 + 2 * 2) = 4032.
    assert out["layers"]["discriminator/conv"] == 2 * 72 * (3 * 2 * 4 + 2 * 2)
    # G's first layer: 3 forwards on 2 examples, then forward + weight gradient.
    assert out["layers"]["generator/project"] == 2 * 48 * (3 * 2 + 2 * 2)


SAMPLE_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu avx2 fma avx512f avx512_bf16 amx_bf16 amx_tile
processor\t: 1
model name\t: ignored
flags\t\t: fpu
"""


def test_bf16_units_from_a_cpuinfo_text():
    model, flags = machine.parse_cpuinfo(SAMPLE_CPUINFO)
    assert model == "Intel(R) Xeon(R) Platinum 8480+"
    assert flags == {"fpu", "avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile"}
    assert machine.bf16_units(flags) == ["amx_bf16", "avx512_bf16"]
    _, epyc = machine.parse_cpuinfo("model name : AMD EPYC\nflags : fma avx2 avx f16c\n")
    assert machine.bf16_units(epyc) == []


def test_cpu_features_reads_a_file(tmp_path):
    path = tmp_path / "cpuinfo"
    path.write_text(SAMPLE_CPUINFO)
    info = machine.cpu_features(str(path))
    assert info["bf16_units"] == ["amx_bf16", "avx512_bf16"]
    assert info["flags"]["amx_tile"] and not info["flags"]["sve"]


@pytest.mark.parametrize(
    "name, op_type, kind",
    [
        ("generator_1/deconv_1/conv_transpose", "Conv2DBackpropInput", "transposed convolution"),
        ("gradient_tape/generator_1/deconv_1/conv_transpose/Conv2D", "Conv2D", "transposed convolution"),
        ("gradient_tape/discriminator_3/conv_1/convolution/Conv2DBackpropInput", "Conv2DBackpropInput",
         "convolution"),
        ("discriminator_1/conv_1/BiasAdd", "_FusedConv2D", "convolution"),
        ("gradient_tape/discriminator_1/logits_1/MatMul/MatMul", "MatMul", "dense"),
        ("gradient_tape/discriminator_3/conv_bn_1/moments/Tile_1", "Tile", "normalization"),
        ("discriminator_1/conv_bn_1/batchnorm/mul", "Mul", "normalization"),
        ("adam_3/Sub_27", "Sub", "optimizer"),
        ("sgd/ResourceApplyGradientDescent", "ResourceApplyGradientDescent", "optimizer"),
        ("discriminator_1/conv_lrelu_1/LeakyRelu", "LeakyRelu", "elementwise"),
        # oneDNN's bfloat16 kernels are the same ops.
        ("gradient_tape/discriminator_1/conv_1/convolution/Conv2DBackpropFilter", "_MklNativeConv2DBackpropFilter",
         "convolution"),
        ("discriminator_1/conv_1/BiasAdd", "_MklNativeFusedConv2D", "convolution"),
        ("gradient_tape/discriminator_1/conv_0/convolution/Conv2DBackpropFilter",
         "_MklNativeConv2DBackpropFilterWithBias", "convolution"),
        ("generator_1/deconv_1_bn/FusedBatchNormV3", "_MklNativeFusedBatchNormV3", "normalization"),
        ("SampleNormal/sample/StatelessRandomNormalV2", "StatelessRandomNormalV2", "other"),
    ],
)
def test_classify_op(name, op_type, kind):
    kinds = {"generator/deconv_1": "transposed convolution", "discriminator/conv_1": "convolution",
             "discriminator/logits": "dense", "discriminator/conv_bn": "normalization"}
    assert profile.classify_op(name, op_type, kinds, optimizers=("adam",)) == kind


def test_layer_kinds_and_summary_shares():
    generator, discriminator = _networks()
    kinds = profile.layer_kinds(generator, discriminator)
    assert kinds == {"generator/project": "dense", "generator/deconv": "transposed convolution",
                     "discriminator/conv": "convolution", "discriminator/conv_bn": "normalization",
                     "discriminator/logits": "dense"}
    ops = [("discriminator_1/conv_1/convolution", "Conv2D", 0.003), ("adam/Sub", "Sub", 0.001),
           ("discriminator_1/conv_bn_1/batchnorm/mul", "Mul", 0.001), ("x/Mul", "Mul", 0.005)]
    out = profile.summarise_ops(ops, kinds, ("adam",), layer_flops={"discriminator/conv": 6e6})
    assert out["convolution"]["ms"] == pytest.approx(3.0)
    assert out["convolution"]["share"] == pytest.approx(0.3)
    assert out["elementwise"]["share"] == pytest.approx(0.5)
    assert out["optimizer"]["ops"] == [("Sub", pytest.approx(1.0))]
    assert out["convolution"]["gflops"] == pytest.approx(2.0)  # 6e6 FLOPs in 3 ms.
    assert out["other"]["gflops"] is None
    assert sum(e["share"] for e in out.values()) == pytest.approx(1.0)


def test_roofline_rows_pair_each_round_with_its_peak(tmp_path):
    values = {"fit float32": [2.0, 4.0], "fit bfloat16": [4.0, 8.0], "peak float32": [1.0, 2.0],
              "peak bfloat16": [2.0, 4.0]}
    cores = {c: [2.0, 1.0] for c in values}
    rows = roofline.roofline_rows(values, cores, step_flops=1e9, peak_flops={"float32": 1e9, "bfloat16": 1e9})
    # Every round: fp32 achieved 1/2 the fp32 peak; bf16 1/2 its own peak, 1/4 the fp32 peak.
    assert rows["fit float32"]["fraction"] == pytest.approx(0.5)
    assert rows["fit bfloat16"]["fraction"] == pytest.approx(0.5)
    assert rows["fit bfloat16"]["fraction_of_float32"] == pytest.approx(0.25)
    assert rows["fit float32"]["cpu_fraction"] == pytest.approx(0.5)
    assert roofline.paired_speed(values, "fit bfloat16", "fit float32") == pytest.approx(0.5)
    peaks = roofline.peak_rows(values, cores, {"float32": 1e9})
    assert peaks["float32"]["best"] == pytest.approx(1.0)
    assert peaks["float32"]["median_per_core"] == pytest.approx(0.5)
    # The figure of those rows: a PNG written atomically (no temporary left).
    path = roofline.plot_roofline({"dcgan b256": rows}, peaks, str(tmp_path / "roofline.png"), "test")
    assert open(path, "rb").read(4) == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roofline.png"]
