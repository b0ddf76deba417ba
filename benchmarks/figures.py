"""Small PNG figures for the benchmarks: rows of grey images with a label each."""


def save_rows(rows, path, title, cell=(1.3, 1.4)):
    """Writes `rows`, a list of `(label, images [n, h, w, 1] in [-1, 1])`, as
    one PNG (atomically, `tfgan_zoo.fileio`); returns `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tfgan_zoo import fileio

    n = max(len(images) for _, images in rows)
    fig, axes = plt.subplots(len(rows), n, figsize=(cell[0] * n, cell[1] * len(rows)), squeeze=False)
    for r, (label, images) in enumerate(rows):
        for i in range(n):
            axes[r, i].set_xticks([]), axes[r, i].set_yticks([])
            if i < len(images):
                axes[r, i].imshow(images[i, ..., 0], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        axes[r, 0].set_ylabel(label, fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    with fileio.atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=80, format="png")
    plt.close(fig)
    return path
