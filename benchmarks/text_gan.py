"""text_gan on the `dates` grammar corpus beside a maximum-likelihood
character LSTM of similar size, each trained for the same wall time.

- **Data**: `tfgan_zoo.data.dates`, the train split (20,000 strings of
  three date formats, 12 positions with the end symbol, 36 symbols);
  held-out: the test split (2,000).
- **text_gan**: the character WGAN-GP (`--network`, `--width`,
  `--blocks`, `--latent_dim`, `--d_steps` critic steps each on its own
  `--batch_size` strings), trained with `fit` on `data.load("dates")` in
  chunks of `--steps_per_chunk` generator steps until `--minutes` of
  training wall time have passed (the chunk that crosses it finishes).
- **LM baseline**: an embedding, one LSTM and a softmax over the next
  symbol (units chosen so its weights are about the generator's count),
  trained with `fit` (cross-entropy, teacher forcing) for the same
  minutes, then sampled ancestrally (temperature 1) up to the end symbol.
- **Measures** (`tfgan_zoo.metrics.text`, `--num_samples` strings per
  model): the share the grammar accepts (`dates.accepts`, the target
  >= 0.5), the share copied from the training set, the share of distinct
  strings, the character n-gram JS divergence to the held-out split
  (n = 1..4) and distinct-n. The reference row is fresh strings of the
  grammar itself (seed 2): what a perfect model would score.

    python benchmarks/text_gan.py --minutes 20          # the README's run
    python benchmarks/text_gan.py --minutes 1 --num_samples 500   # a quick check

One thread (`--threads`); prints the table, writes JSON (`--output`).
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import tfgan_zoo  # noqa: E402
from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo import data as data_lib  # noqa: E402
from tfgan_zoo.data import dates  # noqa: E402
from tfgan_zoo.data import text  # noqa: E402
from tfgan_zoo.metrics import text as text_metrics  # noqa: E402

TARGET = 0.5  # Issue #19: >= 50% of generated strings accepted.


def train_gan(args, train_strings):
    keras.utils.set_random_seed(args.seed)
    model = tfgan_zoo.create(
        "text_gan", network=args.network, width=args.width, blocks=args.blocks, latent_dim=args.latent_dim,
        d_steps=args.d_steps, gumbel_softmax=args.gumbel_softmax, seed=args.seed,
    )
    model.compile(
        g_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5, beta_2=0.9),
        d_optimizer=keras.optimizers.Adam(args.learning_rate, beta_1=0.5, beta_2=0.9),
    )
    ds = data_lib.load("dates", batch_size=args.batch_size * args.d_steps, seed=args.seed, repeat=True, with_labels=False)
    start, steps, history = time.perf_counter(), 0, []
    while time.perf_counter() - start < args.minutes * 60:
        logs = model.fit(ds, epochs=1, steps_per_epoch=args.steps_per_chunk, verbose=0).history
        steps += args.steps_per_chunk
        accepted = text_metrics.accepted_share(model.generate_text(500, seed=args.seed), dates.accepts)
        history.append({"steps": steps, "seconds": time.perf_counter() - start, "accepted": accepted,
                        **{k: v[0] for k, v in logs.items()}})
        print(f"  text_gan {steps:6d} steps {history[-1]['seconds']:7.1f} s  W {logs['wasserstein_distance'][0]:.3f}"
              f"  accepted {accepted:.3f}", flush=True)
    return model, steps, time.perf_counter() - start, history


def language_model(vocabulary_size, units, embedding):
    """Next-symbol LSTM: ids `[n, steps]` (a start token `vocabulary_size + 1`
    first) -> logits `[n, steps, vocabulary_size + 1]`."""
    ids = keras.Input((None,), dtype="int32")
    h = keras.layers.Embedding(vocabulary_size + 2, embedding)(ids)
    h = keras.layers.LSTM(units, return_sequences=True)(h)
    return keras.Model(ids, keras.layers.Dense(vocabulary_size + 1)(h), name="char_lm")


def lm_units(target_params, vocabulary_size, embedding):
    """The LSTM units whose LM has about `target_params` weights."""
    def count(u):
        return (vocabulary_size + 2) * embedding + 4 * u * (embedding + u + 1) + (u + 1) * (vocabulary_size + 1)

    return min(range(8, 1025), key=lambda u: abs(count(u) - target_params))


def train_lm(args, train_strings, target_params):
    keras.utils.set_random_seed(args.seed)
    size = len(dates.VOCABULARY)
    units = lm_units(target_params, size, args.lm_embedding)
    model = language_model(size, units, args.lm_embedding)
    model.compile(keras.optimizers.Adam(args.lm_learning_rate), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    targets = text.encode(train_strings, dates.VOCABULARY, dates.SEQUENCE_LENGTH)
    inputs = np.concatenate([np.full((len(targets), 1), size + 1, np.int32), targets[:, :-1]], axis=1)
    start, epochs, history = time.perf_counter(), 0, []
    while time.perf_counter() - start < args.minutes * 60:
        loss = model.fit(inputs, targets, batch_size=args.batch_size, epochs=1, verbose=0, shuffle=True).history["loss"][0]
        epochs += 1
        accepted = text_metrics.accepted_share(sample_lm(model, 500, args.seed), dates.accepts)
        history.append({"epochs": epochs, "seconds": time.perf_counter() - start, "loss": loss, "accepted": accepted})
        print(f"  lm {epochs:4d} epochs {history[-1]['seconds']:7.1f} s  loss {loss:.4f}  accepted {accepted:.3f}", flush=True)
    return model, units, epochs, time.perf_counter() - start, history


def sample_lm(model, n, seed):
    """`n` strings sampled symbol by symbol (temperature 1) up to the end symbol."""
    size = len(dates.VOCABULARY)
    rng = np.random.default_rng(seed)
    ids = np.full((n, 1), size + 1, np.int32)
    for _ in range(dates.SEQUENCE_LENGTH):
        logits = model(ids, training=False)[:, -1].numpy().astype(np.float64)
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        nxt = (probs.cumsum(axis=1) > rng.uniform(size=(n, 1))).argmax(axis=1).astype(np.int32)
        ids = np.concatenate([ids, nxt[:, None]], axis=1)
    return text.decode(ids[:, 1:], dates.VOCABULARY)


def table(rows):
    keys = ["accepted", "copied", "unique"] + [f"js_{n}" for n in text_metrics.ORDERS] + [
        f"distinct_{n}" for n in text_metrics.ORDERS
    ]
    body = [[name] + [f"{report[k]:.3f}" for k in keys] for name, report in rows.items()]
    return bench.format_table(["model"] + keys, body)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0, help="training budget of each model (wall time)")
    p.add_argument("--network", default="conv", choices=["conv", "lstm"])
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--blocks", type=int, default=3)
    p.add_argument("--latent_dim", type=int, default=64)
    p.add_argument("--d_steps", type=int, default=5)
    p.add_argument("--gumbel_softmax", action="store_true")
    p.add_argument("--batch_size", type=int, default=64, help="strings per critic step (and per LM step)")
    p.add_argument("--learning_rate", type=float, default=5e-4, help="Adam for both networks (paper: 1e-4, for 200k steps)")
    p.add_argument("--lm_learning_rate", type=float, default=2e-3)
    p.add_argument("--lm_embedding", type=int, default=32)
    p.add_argument("--steps_per_chunk", type=int, default=200)
    p.add_argument("--num_samples", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--output", default="benchmarks/results/text_gan.json")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    bench.limit_threads(args.threads)
    machine = bench.machine_info()
    print(bench.describe_machine(machine))
    train_strings, _ = dates.split_strings("train")
    held_out, _ = dates.split_strings("test")
    print(f"text_gan ({args.network}, width {args.width}, {args.blocks} blocks) and a char LSTM on dates: "
          f"{args.minutes} min each, seed {args.seed}, {args.threads} thread(s)")
    gan, steps, gan_seconds, gan_history = train_gan(args, train_strings)
    g_params = gan.generator.count_params()
    lm, units, epochs, lm_seconds, lm_history = train_lm(args, train_strings, g_params)
    samples = {
        "text_gan": gan.generate_text(args.num_samples, seed=args.seed + 1),
        "char LSTM (max. likelihood)": sample_lm(lm, args.num_samples, args.seed + 1),
        "grammar (reference)": dates.dates(args.num_samples, seed=2)[0],
    }
    reports = {name: text_metrics.text_report(s, train_strings, held_out, dates.accepts) for name, s in samples.items()}
    print(f"\ntext_gan: {steps} generator steps in {gan_seconds:.0f} s, generator {g_params:,} weights, "
          f"critic {gan.discriminator.count_params():,}")
    print(f"char LSTM: {units} units, {lm.count_params():,} weights, {epochs} epochs in {lm_seconds:.0f} s\n")
    print(table(reports))
    accepted = reports["text_gan"]["accepted"]
    print(f"\n{'PASS' if accepted >= TARGET else 'FAIL'}  text_gan accepted share >= {TARGET}: {accepted:.3f}")
    print("\nsamples:", {name: s[:8] for name, s in samples.items()})
    bench.write_json(args.output, {
        "machine": machine, "args": vars(args), "text_gan": {
            "generator_steps": steps, "train_seconds": gan_seconds, "generator_params": g_params,
            "critic_params": gan.discriminator.count_params(), "history": gan_history},
        "lm": {"units": units, "params": lm.count_params(), "epochs": epochs, "train_seconds": lm_seconds,
               "history": lm_history},
        "reports": reports, "samples": {name: s[:50] for name, s in samples.items()},
        "target": {"accepted": TARGET, "pass": accepted >= TARGET},
    })
    print(f"\nwrote {args.output}")
    return 0 if accepted >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
