"""A schema check of the Kubernetes objects contrib/kubernetes/ uses
(kubeconform is not in Debian): every field of the types below, its
type, the required ones and the enumerations, as in the Kubernetes API
reference (batch/v1 Job and CronJob, core/v1 ConfigMap, PVC and Pod).
A field the table does not know is an error, so a typo such as
`completionmode` or an int where the API wants a string (an env value)
is caught without a cluster.  Only the fields used are listed: adding a
field to a manifest means adding it here, checked against the API."""

MAP = "map"     # string -> string (labels, ConfigMap data, quantities)
ANY = "any"     # not checked further (emptyDir: {})

TYPES = {
    "ObjectMeta": {"name": str, "namespace": str, "labels": MAP, "annotations": MAP},
    # a template's metadata: the controller names what it creates
    "TemplateMeta": {"labels": MAP, "annotations": MAP},
    "ConfigMap": {"apiVersion": str, "kind": str, "metadata": "ObjectMeta", "data": MAP},
    "PersistentVolumeClaim": {"apiVersion": str, "kind": str, "metadata": "ObjectMeta",
                              "spec": "PVCSpec"},
    "PVCSpec": {"accessModes": [str], "resources": "Resources", "storageClassName": str},
    "Resources": {"requests": MAP, "limits": MAP},
    "Job": {"apiVersion": str, "kind": str, "metadata": "ObjectMeta", "spec": "JobSpec"},
    "CronJob": {"apiVersion": str, "kind": str, "metadata": "ObjectMeta",
                "spec": "CronJobSpec"},
    "CronJobSpec": {"schedule": str, "timeZone": str, "concurrencyPolicy": str,
                    "startingDeadlineSeconds": int, "successfulJobsHistoryLimit": int,
                    "failedJobsHistoryLimit": int, "suspend": bool,
                    "jobTemplate": "JobTemplate"},
    "JobTemplate": {"metadata": "TemplateMeta", "spec": "JobSpec"},
    "JobSpec": {"completionMode": str, "completions": int, "parallelism": int,
                "backoffLimit": int, "activeDeadlineSeconds": int,
                "ttlSecondsAfterFinished": int, "podFailurePolicy": "PodFailurePolicy",
                "template": "PodTemplate"},
    "PodFailurePolicy": {"rules": ["PodFailurePolicyRule"]},
    "PodFailurePolicyRule": {"action": str, "onExitCodes": "OnExitCodes"},
    "OnExitCodes": {"containerName": str, "operator": str, "values": [int]},
    "PodTemplate": {"metadata": "TemplateMeta", "spec": "PodSpec"},
    "PodSpec": {"restartPolicy": str, "automountServiceAccountToken": bool,
                "serviceAccountName": str, "securityContext": "PodSecurityContext",
                "containers": ["Container"], "volumes": ["Volume"]},
    "PodSecurityContext": {"runAsNonRoot": bool, "runAsUser": int, "runAsGroup": int,
                           "fsGroup": int, "seccompProfile": "SeccompProfile"},
    "SeccompProfile": {"type": str},
    "Container": {"name": str, "image": str, "command": [str], "args": [str],
                  "env": ["EnvVar"], "resources": "Resources",
                  "securityContext": "SecurityContext", "volumeMounts": ["VolumeMount"],
                  "workingDir": str},
    "SecurityContext": {"allowPrivilegeEscalation": bool, "readOnlyRootFilesystem": bool,
                        "runAsNonRoot": bool, "capabilities": "Capabilities"},
    "Capabilities": {"drop": [str], "add": [str]},
    "EnvVar": {"name": str, "value": str, "valueFrom": "EnvVarSource"},
    "EnvVarSource": {"fieldRef": "FieldRef", "secretKeyRef": "KeyRef",
                     "configMapKeyRef": "KeyRef"},
    "FieldRef": {"fieldPath": str},
    "KeyRef": {"name": str, "key": str},
    "VolumeMount": {"name": str, "mountPath": str, "readOnly": bool, "subPath": str},
    "Volume": {"name": str, "configMap": "ConfigMapVolume",
               "persistentVolumeClaim": "ClaimVolume", "emptyDir": ANY},
    "ConfigMapVolume": {"name": str, "defaultMode": int},
    "ClaimVolume": {"claimName": str, "readOnly": bool},
}

REQUIRED = {
    "ObjectMeta": ["name"], "JobSpec": ["template"], "PodSpec": ["containers"],
    "CronJobSpec": ["schedule", "jobTemplate"], "Container": ["name", "image"],
    "EnvVar": ["name"], "VolumeMount": ["name", "mountPath"], "Volume": ["name"],
    "PodFailurePolicyRule": ["action"], "OnExitCodes": ["operator", "values"],
    "KeyRef": ["name", "key"], "FieldRef": ["fieldPath"], "PVCSpec": ["accessModes"],
    "SeccompProfile": ["type"],
}

ENUMS = {
    ("JobSpec", "completionMode"): {"NonIndexed", "Indexed"},
    ("PodSpec", "restartPolicy"): {"Always", "OnFailure", "Never"},
    ("CronJobSpec", "concurrencyPolicy"): {"Allow", "Forbid", "Replace"},
    ("PodFailurePolicyRule", "action"): {"FailJob", "FailIndex", "Ignore", "Count"},
    ("OnExitCodes", "operator"): {"In", "NotIn"},
    ("SeccompProfile", "type"): {"RuntimeDefault", "Localhost", "Unconfined"},
}

API_VERSIONS = {"ConfigMap": "v1", "PersistentVolumeClaim": "v1", "Job": "batch/v1",
                "CronJob": "batch/v1"}


def _check(value, spec, path, errors, tname=None):
    if spec == ANY:
        return
    if spec == MAP:
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            errors.append("%s: want a map of strings, got %r" % (path, value))
        return
    if isinstance(spec, list):
        if not isinstance(value, list):
            errors.append("%s: want a list, got %r" % (path, value))
            return
        for i, v in enumerate(value):
            _check(v, spec[0], "%s[%d]" % (path, i), errors)
        return
    if isinstance(spec, str):
        fields = TYPES[spec]
        if not isinstance(value, dict):
            errors.append("%s: want a %s object, got %r" % (path, spec, value))
            return
        for k, v in value.items():
            if k not in fields:
                errors.append("%s.%s: no such field in %s" % (path, k, spec))
                continue
            allowed = ENUMS.get((spec, k))
            if allowed is not None and v not in allowed:
                errors.append("%s.%s: %r is not one of %s" % (path, k, v, sorted(allowed)))
            _check(v, fields[k], path + "." + k, errors)
        for k in REQUIRED.get(spec, []):
            if k not in value:
                errors.append("%s: %s needs %s" % (path, spec, k))
        return
    # a Python type; bool is an int in Python, not in the API
    if not isinstance(value, spec) or (spec is int and isinstance(value, bool)):
        errors.append("%s: want %s, got %r" % (path, spec.__name__, value))


def validate(doc, where):
    """Errors (strings) for one parsed YAML document."""
    errors = []
    kind = doc.get("kind") if isinstance(doc, dict) else None
    if kind not in API_VERSIONS:
        return ["%s: unknown kind %r" % (where, kind)]
    if doc.get("apiVersion") != API_VERSIONS[kind]:
        errors.append("%s: %s wants apiVersion %s, got %r" %
                      (where, kind, API_VERSIONS[kind], doc.get("apiVersion")))
    _check(doc, kind, "%s %s" % (where, kind), errors)
    return errors
