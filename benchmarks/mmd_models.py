"""The kernel models (issue #19 point 2): modes covered by `gmmn` and
`mmd_gan` on the toy sets, over seeds, at a fixed budget of generator
steps; and their FID on MNIST beside `dcgan` and `wgan_gp`.

    nice -n 10 python benchmarks/mmd_models.py --dataset=ring8 --seeds=0,1,2,3,4 --out=/tmp/mmd_ring8.json
    python benchmarks/mmd_models.py --dataset=idx:../shared/data/mnist --models=dcgan,gmmn,wgan_gp,mmd_gan --epochs=5

Each run trains the MLP networks with `fit` on the dataset's fixed points
and scores `num_samples` generated points with
`tfgan_zoo.metrics.toy.mode_coverage` (a mode is covered when it gets at
least 10% of its share of points within 3 std of its centre), as
`benchmarks/stability.py` does for `vanilla_gan`.

On an image dataset (any other `--dataset`), every model of `--models`
trains for `--epochs` at batch 64 with its paper's optimizers and default
networks, seed `--seeds`' first, as `benchmarks/stability.py --part mnist`
trains `dcgan` (`tfgan_zoo.benchmarking.stability.image_run`), and is
scored by the domain classifier's FID and precision/recall on
`--image_samples` samples per side.
"""

from absl import app
from absl import flags

flags.DEFINE_string("dataset", "ring8", "ring8, grid25, or an image dataset (e.g. idx:../shared/data/mnist).")
flags.DEFINE_string("seeds", "0,1,2,3,4", "Comma-separated seeds.")
flags.DEFINE_string("models", "gmmn,mmd_gan", "Comma-separated model names (keys of CONFIGS; on images, any image model).")
flags.DEFINE_integer("epochs", 10, "Epochs of each model on an image dataset.")
flags.DEFINE_integer("gmmn_steps", 2000, "Generator steps of gmmn.")
flags.DEFINE_integer("mmd_gan_steps", 1000, "Generator steps of mmd_gan (each after d_steps critic steps).")
flags.DEFINE_integer("batch_size", 256, "Real examples per step (per critic step for mmd_gan).")
flags.DEFINE_integer("num_samples", 2500, "Generated points scored per toy run.")
flags.DEFINE_integer("image_samples", 5000, "Samples per side of the image metrics.")
flags.DEFINE_string("out", None, "Write the results as JSON here.")

# The hparams of each model on the toys: MLP networks; gmmn's bandwidths
# span the mode std (0.008 on ring8) to the ring's radius (0.8), since the
# median heuristic (~1) alone cannot resolve modes that narrow.
CONFIGS = {
    "gmmn": {"network": "mlp", "width": 128, "latent_dim": 16, "bandwidths": (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)},
    "mmd_gan": {"network": "mlp", "width": 128, "latent_dim": 16},
}
LEARNING_RATES = {"gmmn": 1e-3, "mmd_gan": 1e-4}


def run(name, dataset, seed, steps, batch_size, num_samples):
    """`tfgan_zoo.benchmarking.stability.toy_run` of `name` with its toy
    hparams and learning rate, Adam(beta_1 0.5, beta_2 0.9)."""
    from tfgan_zoo.benchmarking import stability

    result = stability.toy_run(dataset, {}, seed, steps, batch_size=batch_size, num_samples=num_samples,
                               base=CONFIGS[name], learning_rate=LEARNING_RATES[name], beta_2=0.9, name=name)
    result.pop("samples")
    return result


def run_images(fv):
    """Every model of `--models` on the image `--dataset`: FID, precision, recall, classes."""
    from tfgan_zoo.benchmarking import machine
    from tfgan_zoo.benchmarking import report
    from tfgan_zoo.benchmarking import stability
    from tfgan_zoo.metrics import Evaluator

    seed = int(fv.seeds.split(",")[0])
    evaluator = Evaluator(fv.dataset, metrics=("fid", "pr"), num_samples=fv.image_samples, image_shape=(28, 28, 1), seed=seed)
    fid, results, rows = evaluator.name("fid"), {}, []
    for name in fv.models.split(","):
        _, _, record = stability.image_run(name, {}, fv.dataset, evaluator, fv.epochs, seed=seed)
        results[name] = record
        m = record["metrics"]
        rows.append([name, str(record["generator_steps"]), f"{record['train_seconds'] / 60:.1f}", f"{m[fid]:.4g}",
                     f"{m[evaluator.name('precision')]:.3f}", f"{m[evaluator.name('recall')]:.3f}",
                     f"{record['classes_covered']}/10"])
        if fv.out:
            report.write_json(fv.out, {"dataset": fv.dataset, "epochs": fv.epochs, "seed": seed,
                                       "machine": machine.machine_info(), "results": results})
    print(f"\n{fv.dataset}, {fv.epochs} epochs, batch 64, seed {seed}; {fid}")
    print(report.format_table(["model", "G steps", "train min", "FID", "precision", "recall", "classes"], rows))


def main(argv):
    del argv
    from tfgan_zoo.benchmarking import machine
    from tfgan_zoo.benchmarking import report
    from tfgan_zoo.benchmarking import stability
    from tfgan_zoo.data import toy

    fv = flags.FLAGS
    print(machine.describe_machine(machine.machine_info()), flush=True)
    if fv.dataset not in toy.TOY:
        return run_images(fv)
    seeds = [int(s) for s in fv.seeds.split(",")]
    num_modes = len(toy.toy_modes(fv.dataset)[0])
    results, rows = {}, []
    for name in fv.models.split(","):
        steps = fv.gmmn_steps if name == "gmmn" else fv.mmd_gan_steps
        runs = []
        for seed in seeds:
            r = run(name, fv.dataset, seed, steps, fv.batch_size, fv.num_samples)
            print(f"{fv.dataset} {name} seed {seed}: modes {r['modes']}/{num_modes}, hq {r['hq']:.3f}, "
                  f"kl {r['kl']:.3f} ({r['seconds']:.0f} s)", flush=True)
            runs.append({"seed": seed, **r})
        summary = stability.summarise(runs)
        full = sum(r["modes"] == num_modes for r in runs)
        results[name] = {"hparams": CONFIGS[name], "steps": steps, "runs": runs, "summary": summary,
                         "seeds_all_modes": full}
        rows.append([name, str(steps), f"{summary['modes_mean']:.1f} ± {summary['modes_std']:.1f} ({summary['modes_min']})",
                     f"{full}/{len(seeds)}", f"{summary['hq_mean']:.3f}", f"{summary['kl_mean']:.3f}",
                     f"{summary['seconds_mean']:.0f}"])
    print(report.format_table(["model", "G steps", f"modes of {num_modes} (min)", "all modes", "hq", "KL", "s/run"], rows))
    if fv.out:
        report.write_json(fv.out, {"dataset": fv.dataset, "batch_size": fv.batch_size,
                                   "machine": machine.machine_info(), "results": results})


if __name__ == "__main__":
    app.run(main)
