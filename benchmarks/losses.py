"""Which loss for which data (issue #19, point 4): every loss of the zoo on
every kind of data it handles, each judged by that domain's own measure.

- **Arms** (`tfgan_zoo.benchmarking.losses.loss_arms`): the logit losses
  (non-saturating, minimax, least squares, hinge, five f-divergences) on
  the domain's plain model, Wasserstein with clipping (`wgan`), with a
  gradient penalty (`wgan_gp`; on waves `rcgan` with `gp_weight=10`),
  Cramér (`cramer_gan`) and MMD (`mmd_gan`) where the domain has them.
- **Domains, models, measures, budgets** (fixed generator steps, flags):
  `toy` ring8, `vanilla_gan` / the critics with MLP networks, modes
  covered (of 8) and high-quality share (`--toy_steps`); `mnist`, `dcgan` /
  the critics with DCGAN networks (`--mnist_width`), FID in the domain
  classifier's features (`--mnist_steps`, `--mnist_samples`); `waves`,
  `rcgan` (conditional on the waveform), discriminative score (0 best,
  `--waves_steps`); `adult`, `tabular_wgan_gp` (WGAN-GP only), efficacy F1
  (`--adult_steps`); `text`, `text_gan` (WGAN-GP only) on the `dates`
  grammar, the share of strings the grammar accepts (`--text_steps`).
- **Priors** (`--priors`): normal vs uniform prior at 2, 10, 100 latent
  dimensions, non-saturating loss, on `toy` and `mnist`.
- Every arm runs over `--seeds` (0,1,2); the tables give mean ± std.

    nice -n 5 python benchmarks/losses.py --threads 1 --figures docs   # every table in one process
    # (the README splits it over three processes and draws them with --plot_from)
    python benchmarks/losses.py --domains toy --losses hinge,mmd --seeds 0 --toy_steps 100   # a quick check

Prints a table per domain, writes JSON (`--output`, after every domain)
and a bar chart per domain (`--figures DIR`; named after `--output`,
`losses.json` -> `losses.png`). `--plot_from a.json,b.json` draws the
tables of earlier runs (split over processes) in one figure.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tfgan_zoo import benchmarking as bench  # noqa: E402
from tfgan_zoo.benchmarking import losses as study  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")


def settings(args):
    """The per-domain budgets and sizes from the flags."""
    return {
        "toy": {"dataset": args.toy_dataset, "steps": args.toy_steps, "width": 64, "latent_dim": 16,
                "batch_size": 256, "num_samples": 2500, "learning_rate": 1e-3, "d_steps": args.d_steps},
        "mnist": {"dataset": args.mnist_data, "steps": args.mnist_steps, "width": args.mnist_width,
                  "batch_size": 64, "num_samples": args.mnist_samples, "d_steps": args.d_steps},
        "waves": {"steps": args.waves_steps, "hidden_units": 32, "latent_dim": 5, "d_steps": 1, "batch_size": 64,
                  "learning_rate": 1e-3, "num_samples": 500},
        "adult": {"data": args.adult_data, "steps": args.adult_steps, "batch_size": 500, "num_samples": 5000,
                  "positive": ">50K"},
        "text": {"steps": args.text_steps, "width": 32, "latent_dim": 32, "d_steps": 5, "batch_size": 64,
                 "learning_rate": 5e-4, "num_samples": 1000},
    }


def missing_data(domain, config):
    """Whether the domain's data file (MNIST, Adult) is absent."""
    path = {"mnist": config["mnist"]["dataset"].split(":", 1)[-1], "adult": config["adult"]["data"]}.get(domain)
    return path is not None and not os.path.exists(path)


def selected_arms(domain, losses):
    """The requested losses the domain has a model for, and the rest."""
    arms = study.loss_arms(domain)
    return {n: arms[n] for n in losses if n in arms}, [n for n in losses if n not in arms]


def print_table(title, domain, results):
    print(f"\n{title}")
    print(bench.format_table(study.table_header(domain), study.table_rows(results, domain)), flush=True)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--domains", default=",".join(study.DOMAINS))
    p.add_argument("--losses", default=",".join(study.LOSSES))
    p.add_argument("--priors", default="toy,mnist", help="domains of the prior/latent study ('' for none)")
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--toy_dataset", default="ring8", choices=["ring8", "grid25"])
    p.add_argument("--toy_steps", type=int, default=1500)
    p.add_argument("--mnist_data", default="idx:" + os.path.join(ROOT, "mnist"))
    p.add_argument("--mnist_steps", type=int, default=300)
    p.add_argument("--mnist_width", type=int, default=16)
    p.add_argument("--mnist_samples", type=int, default=1000)
    p.add_argument("--d_steps", type=int, default=1,
                   help="discriminator/critic steps per generator step of every toy and MNIST arm (critics too)")
    p.add_argument("--waves_steps", type=int, default=500)
    p.add_argument("--adult_data", default=os.path.join(ROOT, "adult", "adult.data"))
    p.add_argument("--adult_steps", type=int, default=200)
    p.add_argument("--text_steps", type=int, default=300)
    p.add_argument("--threads", type=int, default=0, help="TensorFlow intra- and inter-op threads (0: default)")
    p.add_argument("--output", default="benchmarks/results/losses.json")
    p.add_argument("--figures", default="", help="directory for losses.png ('' for none)")
    p.add_argument("--plot_from", default="",
                   help="comma-separated JSON reports of earlier runs: draw their tables in one figure, train nothing")
    args = p.parse_args(argv)
    for flag, valid in (("domains", study.DOMAINS), ("losses", study.LOSSES), ("priors", study.PRIOR_DOMAINS)):
        values = [v for v in getattr(args, flag).split(",") if v]
        unknown = [v for v in values if v not in valid]
        if unknown:
            p.error(f"--{flag}: unknown {unknown}. Valid: {list(valid)}. Received: --{flag}={getattr(args, flag)}")
        setattr(args, flag, values)
    args.seeds = [int(s) for s in args.seeds.split(",") if s]
    if not args.seeds:
        p.error(f"--seeds must name at least one seed. Received: {args.seeds}")
    return args


def panels_from(reports):
    """The figure's panels of saved reports (their loss tables, then their prior studies)."""
    panels = {}
    for report in reports:
        for domain, entry in report["domains"].items():
            panels[f"{domain} (losses)"] = (domain, entry["arms"])
    for report in reports:
        for domain, results in report.get("priors", {}).items():
            panels[f"{domain} (prior/latent_dim)"] = (domain, results)
    return panels


def figure_path(args):
    """`--figures`/<`--output`'s name>.png (losses.json -> losses.png)."""
    return os.path.join(args.figures, os.path.splitext(os.path.basename(args.output))[0] + ".png")


def main(argv=None):
    args = parse_args(argv)
    if args.plot_from:
        if not args.figures:
            sys.exit("--plot_from draws a figure: give --figures DIR. Received: --figures=''")
        reports = []
        for path in args.plot_from.split(","):
            with open(path) as f:
                reports.append(json.load(f))
        os.makedirs(args.figures, exist_ok=True)
        print(f"Wrote {study.plot_results(figure_path(args), panels_from(reports))}")
        return 0
    bench.limit_threads(args.threads)
    started, machine, config = time.time(), bench.machine_info(), settings(args)
    print(f"Machine: {bench.describe_machine(machine)}", flush=True)
    report = {"benchmark": "tfgan_zoo: which loss for which data", "machine": machine, "args": vars(args),
              "settings": {d: config[d] for d in args.domains}, "domains": {}, "priors": {}, "not_measured": {}}
    panels = {}
    for domain in args.domains:
        arms, missing = selected_arms(domain, args.losses)
        if missing:
            report["not_measured"][domain] = {"losses": missing, "reason": "no model of the zoo takes these losses here"}
        if not arms:
            continue
        if missing_data(domain, config):
            print(f"{domain}: data not found, not measured", flush=True)
            report["not_measured"][domain] = {"losses": list(arms), "reason": "data not found"}
            continue
        results = study.run_arms(domain, arms, args.seeds, config[domain])
        report["domains"][domain] = {"measure": study.DOMAINS[domain], "arms": results}
        panels[f"{domain} (losses)"] = (domain, results)
        print_table(f"{domain}: {config[domain]['steps']} generator steps, seeds {args.seeds}", domain, results)
        if missing:
            print(f"no model of the zoo trains {domain} with: {', '.join(missing)}")
        bench.write_json(args.output, report)
    for domain in args.priors:  # After the loss tables: the second question.
        if missing_data(domain, config):
            print(f"{domain}: data not found, priors not measured", flush=True)
            continue
        arms = {n: (study.loss_arm(domain, "non_saturating")[0], h) for n, h in study.prior_arms().items()}
        results = study.run_arms(domain, arms, args.seeds, config[domain])
        report["priors"][domain] = results
        panels[f"{domain} (prior/latent_dim)"] = (domain, results)
        print_table(f"{domain}: prior / latent_dim, non-saturating loss, {config[domain]['steps']} steps", domain,
                    results)
        bench.write_json(args.output, report)
    if args.figures and panels:
        os.makedirs(args.figures, exist_ok=True)
        report["figure"] = study.plot_results(figure_path(args), panels)
    report["duration_s"] = time.time() - started
    print(f"Wrote {bench.write_json(args.output, report)} ({report['duration_s'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
