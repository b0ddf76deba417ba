"""Tools for trained generators: latent walks, vector arithmetic, semantic
inpainting, filter ablation and discriminator features.

What Radford et al. (2015) did with a trained DCGAN, and Yeh et al.'s (2017)
inpainting by latent search, as functions over any image model of the zoo
(its public API: `generate`, `generate_batch`, `discriminate`, `prior`,
`latent_dim`, `sample_shape`, `num_classes`, and `encoder` when it has one).
One module per tool:

- `walks`: `slerp`, `lerp`, `interpolate(model, z0, z1, steps)`,
  `interpolate_images` (through an encoder);
- `arithmetic`: `vector_arithmetic(model, z, a, b, c)`, `ink_mass`,
  `select_by_attribute`;
- `masks`: random-pixel, centre-block, half and PNG masks;
- `inpainting`: `inpaint(model, images, masks)` and the graph version
  `inpaint_graph`; `serving.inpaint_endpoint` makes it a SavedModel
  signature; `evaluation`: PSNR on the hole and the baseline fills;
- `ablation`: `filter_scores`, `ablated_copy` (filters zeroed in a copy);
- `features`: `discriminator_features`, `linear_probe`, `untrained_copy`;
- `figures`: the rows `launchers.explore` and the benchmark draw.

Example:

>>> import tfgan_zoo
>>> from tfgan_zoo import latent_tools
>>> gan = tfgan_zoo.create("dcgan", sample_shape=(8, 8, 1), latent_dim=4, width=4, seed=0)
>>> latent_tools.interpolate(gan, np.zeros((1, 4)), np.ones((1, 4)), steps=5).shape
(1, 5, 8, 8, 1)
"""

from tfgan_zoo.latent_tools.arithmetic import ink_mass
from tfgan_zoo.latent_tools.arithmetic import select_by_attribute
from tfgan_zoo.latent_tools.arithmetic import vector_arithmetic
from tfgan_zoo.latent_tools.inpainting import inpaint
from tfgan_zoo.latent_tools.inpainting import inpaint_graph
from tfgan_zoo.latent_tools.walks import interpolate
from tfgan_zoo.latent_tools.walks import interpolate_images
from tfgan_zoo.latent_tools.walks import lerp
from tfgan_zoo.latent_tools.walks import slerp
from tfgan_zoo.latent_tools.masks import make_masks

__all__ = [
    "ink_mass",
    "inpaint",
    "inpaint_graph",
    "interpolate",
    "interpolate_images",
    "lerp",
    "make_masks",
    "select_by_attribute",
    "slerp",
    "vector_arithmetic",
]
