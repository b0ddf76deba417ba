"""Talk to TF Serving: REST and gRPC clients, and the model config file.

The exported signatures (see `tfgan_zoo.export`) are `serving_default`
(`z` [+ `labels`] -> `images`, `images_uint8`) and `sample`
(`num_samples`, `seed` [+ `labels`] -> the same). Both clients return the
outputs as NumPy arrays.

Example (with a server started as in the README):

    client = RestClient("http://localhost:8501", "dcgan")
    images = client.sample(num_samples=16, seed=0)          # (16, 28, 28, 1)
    images = client.generate(np.zeros((2, 100), "float32"))
    grpc_client = GrpcClient("localhost:8500", "dcgan")
    images = grpc_client.sample(16, seed=0)

The request/response helpers (`rest_request_body`, `parse_rest_response`,
`make_predict_request`, `parse_predict_response`) are pure functions, usable
with any HTTP or gRPC stack.
"""

import json
import os
import urllib.error
import urllib.request

import numpy as np

from tfgan_zoo import fileio

FORMATS = ("inputs", "instances")


def _jsonable(value):
    value = np.asarray(value)
    return value.tolist()


def rest_request_body(inputs, signature_name="serving_default", format="inputs"):
    """The JSON body of a TF Serving REST `:predict` request.

    Args:
        inputs: `{name: array}` for the signature's inputs.
        signature_name: `"serving_default"` or `"sample"`.
        format: `"inputs"` (columnar: one array per input; required for the
            scalar inputs of `sample`) or `"instances"` (row format: one dict
            per example; every input needs the batch dimension).

    Returns:
        A dict to send as JSON.

    Example:

    >>> rest_request_body({"num_samples": 2, "seed": 7}, "sample")
    {'signature_name': 'sample', 'inputs': {'num_samples': 2, 'seed': 7}}
    >>> rest_request_body({"z": [[0.0, 1.0], [2.0, 3.0]]}, format="instances")
    {'signature_name': 'serving_default', 'instances': [{'z': [0.0, 1.0]}, {'z': [2.0, 3.0]}]}
    """
    if format not in FORMATS:
        raise ValueError(f"`format` must be one of {FORMATS}. Received: format={format!r}")
    body = {"signature_name": signature_name}
    if format == "inputs":
        body["inputs"] = {name: _jsonable(value) for name, value in inputs.items()}
        return body
    arrays = {name: np.asarray(value) for name, value in inputs.items()}
    sizes = {name: (a.shape[0] if a.ndim else None) for name, a in arrays.items()}
    if None in sizes.values() or len(set(sizes.values())) != 1:
        raise ValueError(
            "The 'instances' format needs inputs with one shared batch dimension; "
            f"use format='inputs' for scalars. Received: shapes {{name: shape}} "
            f"{ {n: a.shape for n, a in arrays.items()} }"
        )
    n = next(iter(sizes.values()))
    body["instances"] = [{name: a[i].tolist() for name, a in arrays.items()} for i in range(n)]
    return body


def parse_rest_response(body):
    """`{output name: np.ndarray}` from a REST `:predict` response body.

    Handles the columnar (`"outputs"`) and row (`"predictions"`) formats.
    """
    if isinstance(body, (bytes, str)):
        body = json.loads(body)
    if "error" in body:
        raise RuntimeError(f"TF Serving error: {body['error']}")
    if "outputs" in body:
        outputs = body["outputs"]
        if not isinstance(outputs, dict):
            return {"output": np.asarray(outputs)}
        return {name: np.asarray(value) for name, value in outputs.items()}
    if "predictions" in body:
        rows = body["predictions"]
        if rows and isinstance(rows[0], dict):
            return {name: np.asarray([row[name] for row in rows]) for name in rows[0]}
        return {"output": np.asarray(rows)}
    raise ValueError(f"Not a TF Serving predict response: keys {sorted(body)}")


def _images(outputs):
    return np.asarray(outputs["images"], np.float32)


def _as_int(value, name, dtype):
    """`value` as `dtype` ints, refusing fractions, non-numbers and values that would wrap."""
    array = np.asarray(value)
    if array.dtype == np.bool_ or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise ValueError(f"`{name}` must be ints. Received: {name}={_summary(array)} (dtype {array.dtype})")
    info = np.iinfo(dtype)
    if array.size and (array.min() < info.min or array.max() > info.max):
        raise ValueError(f"`{name}` must fit in {np.dtype(dtype).name}. Received: {name}={_summary(array)}")
    return array.astype(dtype)


def _summary(array):
    return np.array2string(np.asarray(array).reshape(-1)[:10]) if np.ndim(array) else repr(array.item())


class _Client:
    """Shared `generate`/`sample` on top of a `predict(inputs, signature)`."""

    def predict(self, inputs, signature_name="serving_default"):
        raise NotImplementedError

    def generate(self, z, labels=None):
        """Images for latent vectors `z` (and `labels`), through `serving_default`.

        Integer inputs are checked before they are cast for the wire: a
        fraction (`labels=[1.7]`) or a value that would wrap in int32
        (`2**32 + 1`) raises `ValueError` naming it; the server checks the
        rest (NaN/Inf in `z`, label ranges, `num_samples`).
        """
        inputs = {"z": np.asarray(z, np.float32)}
        if labels is not None:
            inputs["labels"] = _as_int(labels, "labels", np.int32)
        return _images(self.predict(inputs, "serving_default"))

    def sample(self, num_samples, seed=0, labels=None):
        """`num_samples` images drawn with `seed`, through `sample`.

        For a conditional model pass `labels` (`num_samples` of them), or an
        empty list for random labels.
        """
        inputs = {"num_samples": _as_int(num_samples, "num_samples", np.int32), "seed": _as_int(seed, "seed", np.int64)}
        if labels is not None:
            inputs["labels"] = _as_int(labels, "labels", np.int32)
        return _images(self.predict(inputs, "sample"))


class RestClient(_Client):
    """TF Serving REST client: `POST /v1/models/<name>[/versions/N]:predict`.

    Args:
        url: the server, e.g. `"http://localhost:8501"`.
        model_name: the served model's name.
        version: a version number, or None for the server's choice (latest).
        timeout: seconds per request.
        format: `"inputs"` or `"instances"` for `serving_default` requests
            (`sample` always uses `"inputs"`).
    """

    def __init__(self, url, model_name, version=None, timeout=30.0, format="inputs"):
        self.url = url.rstrip("/")
        self.model_name = model_name
        self.version = version
        self.timeout = timeout
        self.format = format

    @property
    def predict_url(self):
        path = f"{self.url}/v1/models/{self.model_name}"
        if self.version is not None:
            path += f"/versions/{int(self.version)}"
        return path + ":predict"

    def predict(self, inputs, signature_name="serving_default"):
        fmt = self.format if signature_name == "serving_default" else "inputs"
        body = json.dumps(rest_request_body(inputs, signature_name, fmt)).encode()
        request = urllib.request.Request(
            self.predict_url, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return parse_rest_response(response.read())
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise RuntimeError(f"TF Serving returned HTTP {e.code} for {self.predict_url}: {detail}") from None

    def status(self):
        """The model's version status (`GET /v1/models/<name>`), as a dict."""
        with urllib.request.urlopen(f"{self.url}/v1/models/{self.model_name}", timeout=self.timeout) as r:
            return json.loads(r.read())


def make_predict_request(model_name, inputs, signature_name="serving_default", version=None):
    """A `PredictRequest` proto for TF Serving's gRPC API."""
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    request.model_spec.signature_name = signature_name
    if version is not None:
        request.model_spec.version.value = int(version)
    for name, value in inputs.items():
        request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
    return request


def parse_predict_response(response):
    """`{output name: np.ndarray}` from a `PredictResponse` proto."""
    import tensorflow as tf

    return {name: tf.make_ndarray(proto) for name, proto in response.outputs.items()}


class GrpcClient(_Client):
    """TF Serving gRPC client (`PredictionService.Predict`).

    Args:
        target: `"host:port"` of the gRPC endpoint, e.g. `"localhost:8500"`.
        model_name: the served model's name.
        version: a version number, or None for the latest.
        timeout: seconds per request.
    """

    def __init__(self, target, model_name, version=None, timeout=30.0):
        import grpc
        from tensorflow_serving.apis import prediction_service_pb2_grpc

        self.model_name = model_name
        self.version = version
        self.timeout = timeout
        self._channel = grpc.insecure_channel(
            target, options=[("grpc.max_receive_message_length", 256 * 1024 * 1024)]
        )
        self._stub = prediction_service_pb2_grpc.PredictionServiceStub(self._channel)

    def predict(self, inputs, signature_name="serving_default"):
        request = make_predict_request(self.model_name, inputs, signature_name, self.version)
        return parse_predict_response(self._stub.Predict(request, timeout=self.timeout))

    def close(self):
        self._channel.close()


def model_config_text(models):
    """The text of a TF Serving `--model_config_file` for several models.

    Args:
        models: `{name: base_path}` (absolute paths are best: the server
            resolves relative ones against its own working directory), or a
            list of `(name, base_path)` pairs.

    Returns:
        The config as protobuf text format.

    Example:

    >>> print(model_config_text({"dcgan": "/models/dcgan"}))
    model_config_list {
      config {
        name: "dcgan"
        base_path: "/models/dcgan"
        model_platform: "tensorflow"
      }
    }
    <BLANKLINE>
    """
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    pairs = models.items() if isinstance(models, dict) else models
    config = model_server_config_pb2.ModelServerConfig()
    for name, base_path in pairs:
        entry = config.model_config_list.config.add()
        entry.name = name
        entry.base_path = str(base_path)
        entry.model_platform = "tensorflow"
    return text_format.MessageToString(config)


def write_model_config(path, models):
    """Writes `model_config_text(models)` to `path` (atomically); returns `path`.

    With `export_root` layouts such as `saved_models/<name>/<version>/`,
    `write_model_config("models.config", {n: os.path.abspath(f"saved_models/{n}") ...})`
    serves them all from one `tensorflow_model_server --model_config_file`.
    """
    fileio.write_bytes(path, model_config_text(models).encode())
    return path


def discover_models(export_root):
    """`{name: absolute base path}` for each exported model under `export_root`."""
    found = {}
    for name in sorted(os.listdir(export_root)):
        base = os.path.join(export_root, name)
        if os.path.isdir(base) and any(d.isdigit() for d in os.listdir(base)):
            found[name] = os.path.abspath(base)
    return found


# ----------------------------------------------------------------------------
# Warm-up requests (`export` writes them into every version).

# Requests replayed by TF Serving when it loads a version, so that the first
# user request does not pay for graph initialisation.
WARMUP_FILE = "tf_serving_warmup_requests"


def warmup_requests(model, max_samples):
    """`[(signature_name, inputs)]` that `export` writes as warm-up requests.
    A model's own `sample` (`model.sample_endpoint`, a table model's) gets
    the same `num_samples` and every other input zero (`""` for strings)."""
    z = np.zeros((1, model.latent_dim), np.float32)
    count = int(min(16, max_samples))
    serve_inputs, sample_inputs = {"z": z}, {"num_samples": np.int32(count), "seed": np.int64(0)}
    if model.num_classes is not None:
        serve_inputs["labels"] = np.zeros(1, np.int32)
        sample_inputs["labels"] = np.zeros(0, np.int32)
    if hasattr(model, "sample_endpoint"):
        _, specs = model.sample_endpoint(max_samples)
        sample_inputs = {
            s.name: np.array(count if s.name == "num_samples" else b"" if s.dtype.name == "string" else 0, s.dtype.as_numpy_dtype)
            for s in specs
        }
    return [("serving_default", serve_inputs), ("sample", sample_inputs)]


def write_warmup(path, model_name, requests):
    import tensorflow as tf
    from tensorflow_serving.apis import prediction_log_pb2

    with tf.io.TFRecordWriter(path) as writer:
        for signature_name, inputs in requests:
            request = make_predict_request(model_name, inputs, signature_name)
            log = prediction_log_pb2.PredictionLog(
                predict_log=prediction_log_pb2.PredictLog(request=request)
            )
            writer.write(log.SerializeToString())


def read_warmup(path):
    """The `PredictRequest`s in an export's warm-up file (a version dir)."""
    import tensorflow as tf
    from tensorflow_serving.apis import prediction_log_pb2

    requests = []
    for record in tf.data.TFRecordDataset(os.path.join(path, "assets.extra", WARMUP_FILE)):
        log = prediction_log_pb2.PredictionLog.FromString(record.numpy())
        requests.append(log.predict_log.request)
    return requests
