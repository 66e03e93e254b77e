#!/usr/bin/env python3
"""Push a foreign-architecture image and a two-platform index to a registry,
through the registry HTTP API only (no docker push: the engine cannot import
an image of another architecture correctly). Called by eng/provision.sh.

  push-oci-image.py check --registry URL --repo R --base-tag T --tag T2 --platform linux/arm64/v8
      exit 0 when R:T2 is an index holding exactly R:T's manifest (by digest)
      for linux/amd64 and an existing manifest for the platform; 1 otherwise.

  push-oci-image.py push  --registry URL --repo R --base-tag T --tag T2 --platform linux/arm64/v8 \
                          --layer rootfs.tar.gz [--created 2026-01-01T00:00:00Z]
      Builds an image config for the platform from R:T's config (Env, Cmd,
      User, WorkingDir, Labels...: the same conventions, only the platform
      and the single layer differ), uploads the layer and config blobs unless
      present, puts the image manifest by digest, then puts a manifest list
      [R:T (linux/amd64), new image (platform)] under the tag T2.

The base image must be a single-platform Docker schema 2 manifest (what
`docker push` writes), so the new image and the list use Docker media types
too: a Docker manifest list must not mix in OCI manifests.
"""
import argparse
import gzip
import hashlib
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

MT_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MT_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MT_CONFIG = "application/vnd.docker.container.image.v1+json"
MT_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
CHUNK = 1 << 20


def log(msg):
    print(f"[provision] {msg}", flush=True)


def die(msg):
    print(f"[provision] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(2)


class Registry:
    def __init__(self, url, repo):
        self.url = url.rstrip("/")
        self.repo = repo

    def request(self, method, path_or_url, data=None, headers=None, ok=(200,)):
        url = path_or_url if "://" in path_or_url else f"{self.url}/v2/{self.repo}/{path_or_url}"
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            resp = urllib.request.urlopen(req, timeout=120)
        except urllib.error.HTTPError as e:
            if e.code in ok:
                return e.code, e.headers, e.read()
            body = e.read().decode("utf-8", "replace")[:500]
            die(f"{method} {url}: HTTP {e.code} {body}")
        except urllib.error.URLError as e:
            die(f"{method} {url}: {e.reason}")
        with resp:
            body = resp.read()
            if resp.status not in ok:
                die(f"{method} {url}: unexpected HTTP {resp.status}")
            return resp.status, resp.headers, body

    def manifest(self, ref, accept):
        """(digest, media type, parsed json) or None when the ref is unknown."""
        code, headers, body = self.request("GET", f"manifests/{ref}", headers={"Accept": accept}, ok=(200, 404))
        if code == 404:
            return None
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        return digest, headers.get("Content-Type", ""), json.loads(body)

    def has_blob(self, digest):
        code, _, _ = self.request("HEAD", f"blobs/{digest}", ok=(200, 404))
        return code == 200

    def get_blob(self, digest):
        return self.request("GET", f"blobs/{digest}")[2]

    def put_blob(self, digest, data):
        """Monolithic upload (POST then PUT ?digest=), skipped when present."""
        if self.has_blob(digest):
            return False
        _, headers, _ = self.request("POST", "blobs/uploads/", data=b"", ok=(202,))
        loc = urllib.parse.urljoin(self.url + "/", headers["Location"])
        sep = "&" if "?" in loc else "?"
        self.request("PUT", f"{loc}{sep}digest={urllib.parse.quote(digest)}", data=data,
                     headers={"Content-Type": "application/octet-stream"}, ok=(201,))
        return True

    def put_manifest(self, ref, media_type, body):
        _, headers, _ = self.request("PUT", f"manifests/{ref}", data=body,
                                     headers={"Content-Type": media_type}, ok=(201,))
        return headers.get("Docker-Content-Digest")


def canonical(obj):
    return json.dumps(obj, indent=3, sort_keys=False).encode() + b"\n"


def parse_platform(text):
    parts = text.split("/")
    if len(parts) not in (2, 3):
        die(f"platform must be os/arch[/variant], got {text}")
    plat = {"architecture": parts[1], "os": parts[0]}
    if len(parts) == 3:
        plat["variant"] = parts[2]
    return plat


def base_manifest(reg, tag):
    got = reg.manifest(tag, MT_MANIFEST)
    if got is None:
        die(f"{reg.repo}:{tag} is not in the registry")
    digest, mt, manifest = got
    if manifest.get("mediaType", mt) != MT_MANIFEST:
        die(f"{reg.repo}:{tag} is {mt}, expected a single-platform {MT_MANIFEST}")
    return digest, manifest


def cmd_check(a):
    reg = Registry(a.registry, a.repo)
    plat = parse_platform(a.platform)
    base = reg.manifest(a.base_tag, MT_MANIFEST)
    index = reg.manifest(a.tag, f"{MT_OCI_INDEX}, {MT_LIST}")
    if base is None or index is None or index[2].get("mediaType") not in (MT_LIST, MT_OCI_INDEX):
        return 1
    entries = {(m["platform"].get("os"), m["platform"].get("architecture")): m for m in index[2].get("manifests", [])}
    amd64 = entries.get(("linux", "amd64"))
    other = entries.get((plat["os"], plat["architecture"]))
    if len(entries) != 2 or not amd64 or not other or amd64["digest"] != base[0]:
        return 1
    if other["platform"].get("variant") != plat.get("variant"):
        return 1
    if reg.manifest(other["digest"], other["mediaType"]) is None:
        return 1
    print(f"{index[0]} amd64={amd64['digest']} {plat['architecture']}={other['digest']}")
    return 0


def layer_ids(path):
    """(compressed digest, compressed size, uncompressed diff_id) of a tar.gz."""
    comp, raw, size = hashlib.sha256(), hashlib.sha256(), 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            comp.update(chunk)
            size += len(chunk)
    with gzip.open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            raw.update(chunk)
    return "sha256:" + comp.hexdigest(), size, "sha256:" + raw.hexdigest()


def cmd_push(a):
    reg = Registry(a.registry, a.repo)
    plat = parse_platform(a.platform)
    base_digest, base = base_manifest(reg, a.base_tag)
    base_config = json.loads(reg.get_blob(base["config"]["digest"]))

    layer_digest, layer_size, diff_id = layer_ids(a.layer)
    created = a.created or base_config.get("created")
    # Same run-time conventions as the base image; only the platform and the
    # file system differ. Keys in the order docker writes them.
    config = {"architecture": plat["architecture"]}
    if "variant" in plat:
        config["variant"] = plat["variant"]
    config.update({
        "config": base_config.get("config", {}),
        "created": created,
        "history": [{"created": created, "created_by": f"eng/provision.sh: {plat['architecture']} rootfs from Debian packages (dpkg-deb -x)"}],
        "os": plat["os"],
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    })
    config_body = canonical(config)
    config_digest = "sha256:" + hashlib.sha256(config_body).hexdigest()

    with open(a.layer, "rb") as f:
        if reg.put_blob(layer_digest, f.read()):
            log(f"uploaded layer {layer_digest} ({layer_size // 1000000} MB)")
    reg.put_blob(config_digest, config_body)

    manifest = {
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "size": len(config_body), "digest": config_digest},
        "layers": [{"mediaType": MT_LAYER, "size": layer_size, "digest": layer_digest}],
    }
    manifest_body = canonical(manifest)
    manifest_digest = "sha256:" + hashlib.sha256(manifest_body).hexdigest()
    got = reg.put_manifest(manifest_digest, MT_MANIFEST, manifest_body)
    if got and got != manifest_digest:
        die(f"registry stored the {plat['architecture']} manifest as {got}, expected {manifest_digest}")

    base_size = len(reg.request("GET", f"manifests/{base_digest}", headers={"Accept": MT_MANIFEST})[2])
    index = {
        "schemaVersion": 2,
        "mediaType": MT_LIST,
        "manifests": [
            {"mediaType": MT_MANIFEST, "size": base_size, "digest": base_digest,
             "platform": {"architecture": base_config.get("architecture", "amd64"), "os": base_config.get("os", "linux")}},
            {"mediaType": MT_MANIFEST, "size": len(manifest_body), "digest": manifest_digest, "platform": plat},
        ],
    }
    index_body = canonical(index)
    index_digest = reg.put_manifest(a.tag, MT_LIST, index_body) or "sha256:" + hashlib.sha256(index_body).hexdigest()
    print(f"{index_digest} amd64={base_digest} {plat['architecture']}={manifest_digest} config={config_digest} layer={layer_digest}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=("check", "push"))
    p.add_argument("--registry", required=True, help="e.g. http://127.0.0.1:5000")
    p.add_argument("--repo", required=True, help="e.g. dotnet/runtime-deps")
    p.add_argument("--base-tag", required=True, help="the single-platform linux/amd64 image, e.g. 10.0")
    p.add_argument("--tag", required=True, help="the index to write, e.g. 10.0-multi")
    p.add_argument("--platform", required=True, help="the new image's platform, e.g. linux/arm64/v8")
    p.add_argument("--layer", help="push: the new image's only layer (tar.gz)")
    p.add_argument("--created", help="push: image creation time (RFC 3339); default: the base image's")
    a = p.parse_args()
    if a.command == "push" and not a.layer:
        die("push needs --layer")
    return cmd_check(a) if a.command == "check" else cmd_push(a)


if __name__ == "__main__":
    sys.exit(main())
