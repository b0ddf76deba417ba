"""Latent-structure GANs: models that read their latent space back.

- `infogan`: structured codes in `z`, read back by a Q head on the
  discriminator (Chen et al. 2016);
- `bigan` / `ali`: an encoder `E: x -> z` and a joint discriminator
  `D(x, z)` (Donahue et al. 2016; Dumoulin et al. 2016);
- `aae`: an adversarial autoencoder, unsupervised or supervised
  (Makhzani et al. 2015).

`base` holds what they share (a third network, more training phases and
optimizers, checked read-out methods).
"""
