#!/usr/bin/env python3
"""The released-OpenMetadata oracle for omsso's tests (run by tests/suite/om_released.rs and
tests/suite/render_schema.rs through python3; not for users). Pure stdlib + pydantic + PyYAML; the
released models come from scripts/om-models.

It answers one question for each case: given what omsso rendered, what does a released
OpenMetadata server end up with in `authenticationConfiguration` and `authorizerConfiguration`,
and does that release accept it?

stdin: {"cases": [CASE...], "probes": PROBES}, stdout: {"cases": [ANSWER...], "probes": ...}
(answers in the same order; both keys optional).

CASE:
  {"label": TEXT, "line": "1.13",
   "yaml": TEXT,                       our openmetadata.yaml          -> route "yaml", validation
   "validate_only": true,              (optional) no routes, just the validation
   "server_config": FILE,              conf/openmetadata.yaml the env routes substitute into
   "compose": {"env_file": FILE, "compose_file": FILE},                  -> route "compose"
   "helm": {"chart": DIR, "values": FILE, "secret": FILE or null}}        -> route "helm"
ANSWER:
  {"label", "line", "wheel",
   "validation": ["authorizerConfiguration.adminEmails: Extra inputs are not permitted", ...],
   "routes": {NAME: {"values": {PATH: VALUE},    every leaf of both blocks, coerced (see flatten)
                     "error": TEXT,              (only when) the server's parser refused the text
                     "unresolved": [VAR...],     variables the loader looked up because of a
                                                 value (yaml: any lookup at all)
                     "env": {VAR: TEXT},         compose, helm: the server's environment
                     "unresolved_refs": [TEXT],  helm: Secret refs nobody defines
                     "image": TEXT}},            helm: the server container's image
   "sources": {PATH: VAR}}             which variable feeds each key in server_config

PROBES (the emulation's pieces on their own, so tests can hold them to the upstream rules):
  {"substitute": [{"text", "env"}] -> [{"text", "unresolved": [[NAME, DEPTH]]} or {"error"}],
   "jackson": [TEXT] -> [JacksonText's text tree (PyYAML; not the server's parser)],
   "k8s_expand": [{"value", "env"}] -> [TEXT],
   "server_parse": [{"text", "env"}] -> [{"tree": the whole text tree} or {"error"}]}

Exit 0 with the answer; 1 with one `error:` line on stderr when a prerequisite is missing
(python module, helm, docker-compose, a file, a wheel); 2 for a malformed job. A route that
fails (helm refuses the values, compose refuses the env file) is a prerequisite failure too:
the message says which and why.

How the server reads its configuration (OpenMetadataApplication.initialize: Dropwizard's
`SubstitutingSourceProvider` with `new EnvironmentVariableSubstitutor(false)`, then Jackson's
YAML parser): every route's text goes through the server's own parser, the released Jackson
YAML + SnakeYAML jars on the JDK (`server_parse` below, tests/suite/support/ServerYaml.java,
jars from scripts/om-parser); a text one of them refuses is the route's "error" (the server
would not start). `substitute` emulates the substitution only to name the variables a value
made the loader look up; `JacksonText` (PyYAML) reads files nobody's server parses (compose
and helm output, the reference server config's variable names). See
docs/OPENMETADATA-RELEASES.md.
"""
import base64
import concurrent.futures
import enum
import importlib.machinery
import importlib.util
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parents[3]
BLOCKS = ("authenticationConfiguration", "authorizerConfiguration")
# Sub-objects whose keys are compared one by one (other maps, e.g. customParams, are values).
NESTED = {"oidcConfiguration": "oidc"}
# The container of the chart's Deployment that runs the server (the chart's name).
HELM_CONTAINER = "openmetadata"


class Missing(Exception):
    """A prerequisite is missing or a tool refused; the message says which."""


def _om_models():
    path = ROOT / "scripts/om-models"
    loader = importlib.machinery.SourceFileLoader("om_models", str(path))
    spec = importlib.util.spec_from_loader("om_models", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


try:
    import yaml
except ImportError:
    print("error: python module yaml (PyYAML) is missing: python3 -m pip install pyyaml",
          file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------------------------------------
# The loader's substitution: Apache commons-text StringSubstitutor as Dropwizard configures it
# (EnvironmentVariableSubstitutor(strict=false): lookup System.getenv, prefix "${", suffix "}",
# escape '$', default delimiter ":-", no substitution in variable names, substitution in values
# ON, undefined variables left as they are). One function, these rules:
#   * `${NAME}` is replaced by the variable's value when the variable is set, even when it is
#     set to the empty string (getenv returns "", not null: an empty variable does NOT fall
#     back to its default).
#   * `${NAME:-default}` uses `default` only when NAME is unset. The name ends at the first
#     ":-"; the variable ends at the FIRST "}" (no nesting: `${A:-{}}` is `${A:-{}` + "}").
#   * An unset variable without a default stays as written, `${NAME}`.
#   * `$${` is an escaped `${`: the `$` is dropped and nothing is looked up; scanning goes on
#     right after the `${`, so a `${…}` nested inside is still substituted.
#   * Substitution is recursive: a replaced value (or default) is itself scanned, so `$${`
#     inside an environment variable's value also becomes `${`, and `${X}` inside it is looked
#     up. A variable that refers back to itself is an error ("Infinite loop").
#   * An unclosed `${` ends the scan of the text it is in.
# --------------------------------------------------------------------------------------------

class SubstitutionLoop(Exception):
    pass


def substitute(text, env, unresolved=None):
    """`text` with `${…}` substituted from `env` (a dict) the way OpenMetadata's loader does.
    Names looked up without being set and without a default are added to `unresolved` as
    (name, depth): depth 0 is a reference written in `text` itself, depth 1+ one that came out
    of a substituted value."""
    buf = list(text)
    _substitute(buf, 0, len(buf), None, env, unresolved if unresolved is not None else [], 0)
    return "".join(buf)


def _substitute(buf, offset, length, prior, env, unresolved, depth):
    """Mirrors StringSubstitutor.substitute(builder, offset, length, priorVariables): works on
    buf[offset:offset+length] in place; returns the change in length."""
    length_change = 0
    buf_end = offset + length
    pos = offset
    esc_pos = -1
    while pos < buf_end:
        if not (buf[pos] == "$" and pos + 1 < buf_end and buf[pos + 1] == "{"):
            pos += 1
            continue
        if pos > offset and buf[pos - 1] == "$":
            esc_pos = pos - 1
        start = pos
        pos += 2
        while pos < buf_end and buf[pos] != "}":
            pos += 1
        if pos >= buf_end:
            break  # unclosed: the rest is left as it is
        if esc_pos >= 0:
            del buf[esc_pos]
            esc_pos = -1
            length_change -= 1
            buf_end -= 1
            pos = start + 1  # just after the (now shifted) "${"
            continue
        expr = "".join(buf[start + 2:pos])
        pos += 1
        end = pos
        name, default = expr, None
        i = expr.find(":-")
        if i >= 0 and "${" not in expr[:i]:
            name, default = expr[:i], expr[i + 2:]
        if prior is None:
            prior = ["".join(buf[offset:offset + length])]
        if name in prior:
            raise SubstitutionLoop(f"Infinite loop in property interpolation of {name}")
        prior.append(name)
        value = env.get(name)
        if value is None:
            value = default
        if value is not None:
            buf[start:end] = list(value)
            change = _substitute(buf, start, len(value), prior, env, unresolved, depth + 1)
            change += len(value) - (end - start)
            pos += change
            buf_end += change
            length_change += change
        else:
            unresolved.append((name, depth))
        prior.pop()
    return length_change


# --------------------------------------------------------------------------------------------
# Jackson's view of the YAML. OpenMetadata parses the substituted text with Jackson's YAML
# parser (SnakeYAML underneath, YAML 1.1 resolution). A String field receives the scalar's
# source text whatever YAML type it resolves to (YAMLParser.getText returns the text for every
# scalar token: `0123` stays "0123", `yes` stays "yes"); only null (`~`, `null`, empty) becomes
# null. So the text tree below is what the server's typed fields are filled from.
# --------------------------------------------------------------------------------------------

# libyaml's parser where PyYAML has it (same YAML 1.1 resolution, several times faster).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class JacksonText(_SAFE_LOADER):
    pass


def _scalar_as_text(loader, node):
    if node.tag == "tag:yaml.org,2002:null":
        return None
    return loader.construct_scalar(node)


for _tag in ("bool", "int", "float", "str", "timestamp", "binary", "null"):
    JacksonText.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_as_text)


def jackson_text(text):
    return yaml.load(text, Loader=JacksonText)


# --------------------------------------------------------------------------------------------
# The server's parser: the released jars on the JDK
# --------------------------------------------------------------------------------------------

PARSER_SOURCE = ROOT / "tests/suite/support/ServerYaml.java"
_PARSER_SETS = []
_PARSER_LOCK = threading.Lock()


def _parser_sets():
    """[(NAME, CLASSPATH)] of every jar set scripts/om-parser knows (fetched once)."""
    with _PARSER_LOCK:
        if not _PARSER_SETS:
            proc = subprocess.run([str(ROOT / "scripts/om-parser"), "classpaths"],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise Missing("the server's parser jars are missing (scripts/om-parser "
                              f"classpaths): {proc.stderr.strip()}")
            _PARSER_SETS.extend(tuple(l.split(" ", 1)) for l in proc.stdout.splitlines())
        return list(_PARSER_SETS)


def _compiled(name, classpath):
    """The folder with ServerYaml.class compiled against the set `name` (once per change of
    the source; written by rename, so parallel test binaries never see half a class file)."""
    out = ROOT / "target/om-parser" / name
    cls = out / "ServerYaml.class"
    if cls.is_file() and cls.stat().st_mtime >= PARSER_SOURCE.stat().st_mtime:
        return out
    javac = tool("javac", "a JDK 17+ (scripts/setup installs one)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        proc = subprocess.run([javac, "-nowarn", "-d", tmp, "-cp", classpath, str(PARSER_SOURCE)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise Missing(f"javac could not compile {PARSER_SOURCE} against the {name} jars: "
                          f"{proc.stderr.strip()}")
        os.replace(pathlib.Path(tmp) / "ServerYaml.class", cls)
    return out


def server_parse(items, keys=BLOCKS):
    """Each (text, env) as the released servers read it: substituted from `env` and parsed by
    every jar set. [{"tree": the text tree (only the top-level `keys`; None: all)} or
    {"error": TEXT}], in order; the sets must agree (a text they read differently is an error
    too)."""
    if not items:
        return []
    java = tool("java", "a JDK 17+ (scripts/setup installs one)")
    cases = [{"text": t, "env": e} for t, e in items]
    if keys is not None:
        for c in cases:
            c["keys"] = list(keys)
    job = json.dumps({"cases": cases})
    per_set = []
    for name, classpath in _parser_sets():
        classes = _compiled(name, classpath)
        proc = subprocess.run([java, "-cp", f"{classes}:{classpath}", "ServerYaml"],
                              input=job, capture_output=True, text=True)
        if proc.returncode != 0:
            raise Missing(f"the server's parser ({name} jars) failed: {proc.stderr.strip()}")
        per_set.append((name, json.loads(proc.stdout)))
    results = []
    for i in range(len(items)):
        answers = [(name, a[i]) for name, a in per_set]
        errors = {}
        for name, a in answers:
            if "error" in a:
                errors.setdefault(a["error"], []).append(name)
        trees = {json.dumps(a.get("text"), sort_keys=True) for _, a in answers}
        if errors:
            results.append({"error": "; ".join(f"{'/'.join(names)} jars: {e}"
                                               for e, names in errors.items())})
        elif len(trees) > 1:
            results.append({"error": "the jar sets read it differently: " + ", ".join(
                f"{name}: {json.dumps(a['text'])}" for name, a in answers)})
        else:
            results.append({"tree": answers[0][1]["text"]})
    return results


# --------------------------------------------------------------------------------------------
# Models and comparison
# --------------------------------------------------------------------------------------------

_MODELS = {}


def models(line):
    if line not in _MODELS:
        om = _om_models()
        wheel = om.wheel_of(line)
        try:
            loaded = om.load(wheel)
        except om.Missing as e:
            raise Missing(str(e))
        _MODELS[line] = (wheel, loaded)
    return _MODELS[line]


def _plain(v):
    """A coerced value as JSON: enums by value, secrets revealed (the comparison must see
    them), models and root models unwrapped."""
    from pydantic import BaseModel, RootModel
    if hasattr(v, "get_secret_value"):
        return v.get_secret_value()
    if isinstance(v, enum.Enum):
        return _plain(v.value)
    if isinstance(v, RootModel):
        return _plain(v.root)
    if isinstance(v, BaseModel):
        return {k: _plain(x) for k, x in v if x is not None}
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def coerce(cls, key, value):
    """`value` (Jackson's text) as the field `key` of model `cls` holds it: pydantic's lax
    conversion to the field's declared type stands in for Jackson's scalar coercion
    ("false" -> false for a boolean, "3600" -> 3600 for an integer; a string stays its text).
    Keys the model does not have, and values it cannot convert, stay as text."""
    adapter = _adapter(cls, key)
    if adapter is None:
        return value
    try:
        return _plain(adapter.validate_python(value))
    except Exception:
        return value


_ADAPTERS = {}


def _adapter(cls, key):
    from pydantic import TypeAdapter
    if (cls, key) not in _ADAPTERS:
        fields = {(f.alias or n): f for n, f in cls.model_fields.items()}
        field = fields.get(key)
        _ADAPTERS[(cls, key)] = TypeAdapter(field.annotation) if field else None
    return _ADAPTERS[(cls, key)]


def flatten(blocks, loaded):
    """{PATH: coerced value} of the leaves of both blocks (nested models key by key)."""
    out = {}
    top = {"authenticationConfiguration": loaded["authentication"],
           "authorizerConfiguration": loaded["authorizer"]}
    for block, cls in top.items():
        node = blocks.get(block)
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key in NESTED and isinstance(value, dict):
                sub = loaded[NESTED[key]]
                for k2, v2 in value.items():
                    out[f"{block}.{key}.{k2}"] = coerce(sub, k2, v2)
            else:
                out[f"{block}.{key}"] = coerce(cls, key, value)
    return out


def validate(blocks, loaded):
    """Every error the line's models find in both blocks, as `block.path: message`."""
    from pydantic import ValidationError
    errors = []
    for block, name in (("authenticationConfiguration", "authentication"),
                        ("authorizerConfiguration", "authorizer")):
        node = blocks.get(block)
        if node is None:
            errors.append(f"{block}: missing")
            continue
        try:
            loaded[name].model_validate(node)
        except ValidationError as e:
            for err in e.errors():
                path = ".".join(str(p) for p in (block, *err["loc"]))
                errors.append(f"{path}: {err['msg']}")
    return errors


def blocks_of(doc, what):
    if not isinstance(doc, dict):
        raise Missing(f"{what} is not a YAML mapping")
    return {b: doc.get(b) for b in BLOCKS}


# --------------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------------

def hazards(server_config_text, env):
    """The variables the loader would look up because a value held a reference: references the
    server config itself leaves unresolved are upstream's business; one that came out of a
    variable's value means a value was read as a reference."""
    unresolved = []
    substitute(server_config_text, env, unresolved)
    return sorted({name for name, depth in unresolved if depth > 0})


_SOURCES = {}


def sources(server_config_text):
    """{PATH: VAR} for every auth key the server config fills from one variable."""
    if server_config_text not in _SOURCES:
        _SOURCES[server_config_text] = _sources(server_config_text)
    return _SOURCES[server_config_text]


def _sources(server_config_text):
    doc = jackson_text(server_config_text)
    out = {}
    pattern = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-.*)?\}$", re.S)

    def walk(prefix, node):
        for key, value in (node or {}).items():
            path = f"{prefix}.{key}"
            if isinstance(value, dict):
                if key in NESTED:
                    walk(path, value)
            elif isinstance(value, str):
                m = pattern.match(value.strip())
                if m:
                    out[path] = m.group(1)

    for block in BLOCKS:
        walk(block, doc.get(block))
    return out


def tool(name, hint):
    found = shutil.which(name)
    if not found and name == "helm":
        candidate = pathlib.Path.home() / "go/bin/helm"
        found = str(candidate) if candidate.is_file() else None
    if not found:
        raise Missing(f"{name} is not installed: {hint}")
    return found


def compose_env(env_file, compose_file):
    """The openmetadata-server environment after `docker-compose --env-file F -f FILE config`
    (Debian's docker-compose; no daemon), with a clean environment."""
    exe = tool("docker-compose", "apt-get install docker-compose (scripts/setup does)")
    proc = subprocess.run(
        [exe, "--env-file", env_file, "-f", compose_file, "config"],
        env={"PATH": os.environ.get("PATH", "")}, cwd=os.path.dirname(env_file) or ".",
        capture_output=True, text=True)
    if proc.returncode != 0:
        raise Missing(f"docker-compose config refused {env_file}: {proc.stderr.strip()}")
    doc = yaml.load(proc.stdout, Loader=_SAFE_LOADER)
    env = doc["services"]["openmetadata-server"].get("environment") or {}
    # `config` prints a compose file, where a literal `$` is written `$$`. A variable without
    # a value is not set in the container.
    return {k: str(v).replace("$$", "$") for k, v in env.items() if v is not None}


_COMPOSE = {}
_COMPOSE_LOCK = threading.Lock()


def compose_env_once(env_file, compose_file):
    """compose_env, run once per distinct set of assignments: docker-compose's answer depends
    only on the env file's variable lines (not its comments), and each run costs about half a
    CPU second, so cases whose env files differ only in comments share one run."""
    lines = pathlib.Path(env_file).read_text(encoding="utf-8").splitlines()
    key = (tuple(l for l in lines if l.strip() and not l.lstrip().startswith("#")), compose_file)
    with _COMPOSE_LOCK:
        entry = _COMPOSE.setdefault(key, {"lock": threading.Lock()})
    with entry["lock"]:
        if "env" not in entry:
            entry["env"] = compose_env(env_file, compose_file)
    return entry["env"]


def k8s_expand(value, env):
    """Kubernetes' expansion of `$(VAR)` in an env entry's `value` (kubelet,
    third_party/forked/golang/expansion): `$$` is `$`, `$(NAME)` is NAME's value when NAME is
    defined earlier (else left as written), any other `$` stays."""
    out = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "$" and i + 1 < len(value):
            nxt = value[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "(":
                close = value.find(")", i + 2)
                if close >= 0:
                    name = value[i + 2:close]
                    out.append(env.get(name, f"$({name})"))
                    i = close + 1
                    continue
                out.append("$(")
                i += 2
                continue
            out.append("$" + nxt)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _secret_items(doc):
    items = {}
    for k, v in (doc.get("data") or {}).items():
        # `K: ` (b64enc of nothing) is an empty value (on `helm upgrade` the strategic merge
        # patch drops such a key instead; for the loader unset and empty differ only where a
        # default is not empty).
        items[k] = base64.b64decode(v or "").decode("utf-8")
    for k, v in (doc.get("stringData") or {}).items():
        if not isinstance(v, str):
            # kubectl refuses a non-string stringData value (YAML read `yes` as a boolean).
            raise Missing(f"Secret {doc['metadata']['name']}: stringData.{k} is "
                          f"{type(v).__name__} {v!r}, not a string; kubectl would refuse it")
        items[k] = v
    return items


def helm_env(chart, values, secret):
    """The openmetadata container's environment: `helm template` of `chart` with `values`,
    plus our Secret manifest for the secretKeyRefs; envFrom in order (later sources win), then
    env (wins over envFrom), each `value` expanded like the kubelet does. Returns (env,
    references to Secrets/ConfigMaps nobody defined, the container's image)."""
    exe = tool("helm", "go install helm.sh/helm/v3/cmd/helm@v3.22.0 (scripts/setup does)")
    proc = subprocess.run([exe, "template", "openmetadata", chart, "-f", values],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise Missing(f"helm template refused the values for chart {chart}: "
                      f"{proc.stderr.strip()}")
    docs = [d for d in yaml.load_all(proc.stdout, Loader=_SAFE_LOADER) if d]
    if secret:
        text = pathlib.Path(secret).read_text(encoding="utf-8")
        docs += [d for d in yaml.load_all(text, Loader=_SAFE_LOADER) if d]
    secrets = {d["metadata"]["name"]: _secret_items(d) for d in docs if d.get("kind") == "Secret"}
    maps = {d["metadata"]["name"]: {k: str(v) for k, v in (d.get("data") or {}).items()}
            for d in docs if d.get("kind") == "ConfigMap"}
    container = None
    for d in docs:
        if d.get("kind") == "Deployment":
            for c in d["spec"]["template"]["spec"].get("containers", []):
                if c.get("name") == HELM_CONTAINER:
                    container = c
    if container is None:
        raise Missing(f"chart {chart} rendered no Deployment container `{HELM_CONTAINER}`")

    # Secrets the chart expects the user to create (database, search) are not ours: an entry
    # whose source is unknown is left out and named in `unresolved_refs`.
    unresolved_refs = []

    def source(kind, ref, what):
        store = secrets if kind == "secret" else maps
        name = ref.get("name")
        if name not in store:
            if not ref.get("optional"):
                unresolved_refs.append(f"{what}: {kind} {name}")
            return None
        return store[name]

    env = {}
    for entry in container.get("envFrom") or []:
        kind = "secret" if "secretRef" in entry else "configmap"
        items = source(kind, entry.get("secretRef") or entry.get("configMapRef") or {},
                       "envFrom")
        for k, v in (items or {}).items():
            env[entry.get("prefix", "") + k] = v
    for entry in container.get("env") or []:
        name = entry["name"]
        if "value" in entry and entry["value"] not in (None, ""):
            env[name] = k8s_expand(str(entry["value"]), env)
        elif "valueFrom" in entry:
            vf = entry["valueFrom"]
            ref = vf.get("secretKeyRef") or vf.get("configMapKeyRef")
            if ref is None:
                continue  # fieldRef / resourceFieldRef: nothing auth-related
            kind = "secret" if "secretKeyRef" in vf else "configmap"
            items = source(kind, ref, name)
            if items is None:
                continue
            if ref["key"] not in items:
                if not ref.get("optional"):
                    unresolved_refs.append(f"{name}: {kind} {ref['name']} has no key {ref['key']}")
                continue
            env[name] = items[ref["key"]]
        else:
            env[name] = ""
    return env, unresolved_refs, container.get("image")


def prepare(case):
    """Everything but the parsing: the partial answer and each route as (NAME, TEXT, ENV, the
    route's answer so far); the server's parser reads TEXT with ENV."""
    line = case["line"]
    wheel, _ = models(line)
    # The yaml route: our file through the loader with an empty environment.
    unresolved = []
    substitute(case["yaml"], {}, unresolved)
    out = {"label": case.get("label", ""), "line": line, "wheel": wheel, "routes": {}}
    routes = [("yaml", case["yaml"], {}, {"unresolved": sorted({name for name, _ in unresolved})})]
    if case.get("validate_only"):
        return out, routes
    server_text = None
    if case.get("compose") or case.get("helm"):
        path = pathlib.Path(case["server_config"])
        if not path.is_file():
            raise Missing(f"server config missing: {path}")
        server_text = path.read_text(encoding="utf-8")
        out["sources"] = sources(server_text)
    if case.get("compose"):
        env = compose_env_once(case["compose"]["env_file"], case["compose"]["compose_file"])
        routes.append(("compose", server_text, env,
                       {"unresolved": hazards(server_text, env), "env": env}))
    if case.get("helm"):
        h = case["helm"]
        env, refs, image = helm_env(h["chart"], h["values"], h.get("secret"))
        routes.append(("helm", server_text, env, {"unresolved": hazards(server_text, env),
                                                  "env": env, "unresolved_refs": refs,
                                                  "image": image}))
    return out, routes


def finish(case, prepared, parsed):
    """The answer: each route's parsed blocks flattened (or the parser's refusal), the yaml
    route's blocks validated with the line's models."""
    out, routes = prepared
    _, loaded = models(case["line"])
    for (name, _, _, route), p in zip(routes, parsed):
        if "error" in p:
            error = f"the server's parser refuses it: {p['error']}"
            route, blocks = {**route, "values": {}, "error": error}, None
        else:
            blocks = blocks_of(p["tree"], f"{name} route")
            route = {**route, "values": flatten(blocks, loaded)}
        if name == "yaml":
            out["validation"] = [route["error"]] if blocks is None else validate(blocks, loaded)
        if not case.get("validate_only"):
            out["routes"][name] = route
    return out


def answers(cases):
    """Every case's answer: routes prepared two at a time (the machine has 2 cores;
    docker-compose and helm run as processes), then all texts through the server's parser
    at once (one JVM per jar set)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        prepared = list(pool.map(prepare, cases))
    items = [(text, env) for _, routes in prepared for _, text, env, _ in routes]
    parsed = iter(server_parse(items))
    return [finish(case, (out, routes), [next(parsed) for _ in routes])
            for case, (out, routes) in zip(cases, prepared)]


def probes(job):
    out = {}
    results = []
    for p in job.get("substitute", []):
        unresolved = []
        try:
            results.append({"text": substitute(p["text"], p["env"], unresolved),
                            "unresolved": unresolved})
        except SubstitutionLoop as e:
            results.append({"error": str(e)})
    out["substitute"] = results
    out["jackson"] = [jackson_text(t) for t in job.get("jackson", [])]
    out["k8s_expand"] = [k8s_expand(p["value"], p["env"]) for p in job.get("k8s_expand", [])]
    out["server_parse"] = server_parse([(p["text"], p["env"]) for p in job.get("server_parse", [])],
                                       keys=None)
    return out


def main():
    try:
        job = json.load(sys.stdin)
        cases = job.get("cases", [])
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        print(f"error: malformed job: {e}", file=sys.stderr)
        return 2
    try:
        import pydantic  # noqa: F401
        # Models first, one line at a time (loading is not thread-safe); then the cases.
        for case in cases:
            models(case["line"])
        answered = answers(cases)
    except ImportError as e:
        print(f"error: python module {e.name} is missing: python3 -m pip install "
              f"'pydantic>=2,<3' email-validator", file=sys.stderr)
        return 1
    except (Missing, SubstitutionLoop) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    json.dump({"cases": answered, "probes": probes(job.get("probes", {}))}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
