{{/* Names, labels and the pieces the three Deployments share. */}}

{{- define "des.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-des, cut so that "-coordinator" still fits in 63 characters. */}}
{{- define "des.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one app's objects; call with (dict "root" $ "component" "worker"). */}}
{{- define "des.componentName" -}}
{{- printf "%s-%s" (include "des.fullname" .root) .component -}}
{{- end -}}

{{- define "des.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "des.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: des
{{- end -}}

{{/* Selector labels of one app; call with (dict "root" $ "component" "worker"). */}}
{{- define "des.selectorLabels" -}}
app.kubernetes.io/name: {{ include "des.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "des.componentLabels" -}}
{{ include "des.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "des.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "des.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* registry/repository:tag; call with (dict "root" $ "app" .Values.workers). */}}
{{- define "des.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .app.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .app.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "des.landingClaim" -}}
{{- default (printf "%s-landing" (include "des.fullname" .)) .Values.landing.existingClaim -}}
{{- end -}}

{{/* Pod-level settings every app shares (indented by the caller). */}}
{{- define "des.podCommon" -}}
serviceAccountName: {{ include "des.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* Scheduling of one app's pods; call with (dict "root" $ "app" .Values.retriever "component" "retriever"). */}}
{{- define "des.scheduling" -}}
{{- with .app.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .app.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .app.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .app.spreadOverNodes }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "des.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* The probes on Spring Boot's actuator health groups, on the container port named http. A
     slow start (a cold JVM on a throttled CPU) is the startup probe's business, not liveness's. */}}
{{- define "des.probes" -}}
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 5
  failureThreshold: 36
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/* Environment every app gets: JVM options and its extra variables; call with (dict "app" ...). */}}
{{- define "des.commonEnv" -}}
{{- with .app.javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- with .app.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* S3 keys from the existing Secret, when one is named (otherwise the AWS default chain). */}}
{{- define "des.s3CredentialsEnv" -}}
{{- with .Values.s3.credentials }}
{{- if .existingSecret }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef: {name: {{ .existingSecret | quote }}, key: {{ .accessKeyIdKey | quote }}}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef: {name: {{ .existingSecret | quote }}, key: {{ .secretAccessKeyKey | quote }}}
{{- end }}
{{- end }}
{{- end -}}

{{/* The retriever's DELETE API keys from the existing Secret, when one is named. */}}
{{- define "des.deleteKeysEnv" -}}
{{- with .Values.retriever.delete }}
{{- if .existingSecret }}
- name: DES_RETRIEVER_DELETE_APIKEYS
  valueFrom:
    secretKeyRef: {name: {{ .existingSecret | quote }}, key: {{ .apiKeysKey | quote }}}
{{- end }}
{{- end }}
{{- end -}}

{{/* The writable /tmp of a read-only root filesystem. */}}
{{- define "des.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{/* Fails the render when the worker settings cannot work; see values.yaml. */}}
{{- define "des.validateWorkers" -}}
{{- $partitions := int .Values.kafka.partitions -}}
{{- $scaling := .Values.workers.autoscaling -}}
{{- if $scaling.enabled -}}
{{- if gt (int $scaling.maxReplicas) $partitions -}}
{{- fail (printf "workers.autoscaling.maxReplicas (%d) exceeds kafka.partitions (%d): a worker beyond the partition count of %s gets no partition and sits idle" (int $scaling.maxReplicas) $partitions .Values.kafka.jobsTopic) -}}
{{- end -}}
{{- if gt (int $scaling.minReplicas) (int $scaling.maxReplicas) -}}
{{- fail (printf "workers.autoscaling.minReplicas (%d) exceeds workers.autoscaling.maxReplicas (%d)" (int $scaling.minReplicas) (int $scaling.maxReplicas)) -}}
{{- end -}}
{{- if and (lt (int $scaling.minReplicas) 1) (not $scaling.keda.enabled) -}}
{{- fail "workers.autoscaling.minReplicas 0 needs KEDA (workers.autoscaling.keda.enabled): an HPA cannot scale from zero" -}}
{{- end -}}
{{- else if gt (int .Values.workers.replicas) $partitions -}}
{{- fail (printf "workers.replicas (%d) exceeds kafka.partitions (%d): a worker beyond the partition count of %s gets no partition and sits idle" (int .Values.workers.replicas) $partitions .Values.kafka.jobsTopic) -}}
{{- end -}}
{{- $grace := int .Values.workers.terminationGracePeriodSeconds -}}
{{- $shutdown := int .Values.workers.shutdownTimeoutSeconds -}}
{{- if lt $grace (add $shutdown 20) -}}
{{- fail (printf "workers.terminationGracePeriodSeconds (%d) must be at least workers.shutdownTimeoutSeconds (%d) + 20, or a worker finishing its job is killed mid-shutdown" $grace $shutdown) -}}
{{- end -}}
{{- end -}}
