{{/*
Named templates shared by the chart's manifests.
*/}}

{{/* The chart's name, or nameOverride. */}}
{{- define "lif-coach.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every resource name: RELEASE-lif-coach, or the release name alone when it
already holds the chart name, or fullnameOverride. Short enough for a "-migrate" suffix. */}}
{{- define "lif-coach.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels every resource carries. */}}
{{- define "lif-coach.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "lif-coach.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select this release's pods; each workload adds app.kubernetes.io/component. */}}
{{- define "lif-coach.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lif-coach.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The bot's image reference; the tag defaults to the chart's appVersion. */}}
{{- define "lif-coach.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The Chroma server's image: the bot's own image unless chroma.image names another. */}}
{{- define "lif-coach.chromaImage" -}}
{{- if .Values.chroma.image.repository -}}
{{ .Values.chroma.image.repository }}:{{ required "chroma.image.tag: give the tag of chroma.image.repository" .Values.chroma.image.tag }}
{{- else -}}
{{ include "lif-coach.image" . }}
{{- end -}}
{{- end }}

{{/* The ServiceAccount of the bot and the nudges CronJob. */}}
{{- define "lif-coach.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "lif-coach.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Chroma server's URL: the release's own server, an external one, or empty (the
embedded index in each pod's /data). */}}
{{- define "lif-coach.chromaUrl" -}}
{{- if .Values.chroma.enabled -}}
http://{{ include "lif-coach.fullname" . }}-chroma:{{ .Values.chroma.port }}
{{- else -}}
{{ .Values.chroma.externalUrl }}
{{- end -}}
{{- end }}

{{/* Settings the chart sets itself, or that are secrets: refused in config and extraEnv. */}}
{{- define "lif-coach.reservedNames" -}}
LIF_DATABASE_URL LIF_ENCRYPTION_KEY LIF_ENVIRONMENT LIF_CHROMA_URL LIF_DATA_DIR PORT LIF_PORT LIF_METRICS_PORT LIF_MIGRATE_ON_START LIF_LLM_API_KEY SLACK_BOT_TOKEN SLACK_SIGNING_SECRET SLACK_APP_TOKEN SLACK_CLIENT_ID SLACK_CLIENT_SECRET LIF_SLACK_BOT_TOKEN LIF_SLACK_SIGNING_SECRET LIF_SLACK_APP_TOKEN LIF_SLACK_CLIENT_ID LIF_SLACK_CLIENT_SECRET
{{- end }}

{{/* A secretKeyRef entry. Call with (dict "name" ENV "secret" SECRET "key" KEY "optional" BOOL). */}}
{{- define "lif-coach.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret | quote }}
      key: {{ .key | quote }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/* The environment of a LIF Coach container. Call with (dict "root" $ "slack" BOOL
"migrate" BOOL): only the bot and the nudges CronJob (slack true) get the Slack credentials
and the LLM key; only the migration Job (migrate true) connects as the schema's owner. */}}
{{- define "lif-coach.env" -}}
{{- $root := .root }}
{{- $secret := required "secrets.existingSecret: name the Secret that holds LIF Coach's secrets" $root.Values.secrets.existingSecret }}
{{- $keys := $root.Values.secrets.keys }}
{{- $reserved := splitList " " (include "lif-coach.reservedNames" $root) }}
{{- $databaseUrl := $keys.databaseUrl }}
{{- if .migrate }}
{{- $databaseUrl = $keys.migrationDatabaseUrl | default $keys.databaseUrl }}
{{- end }}
{{- include "lif-coach.secretEnv" (dict "name" "LIF_DATABASE_URL" "secret" $secret "key" $databaseUrl) }}
{{ include "lif-coach.secretEnv" (dict "name" "LIF_ENCRYPTION_KEY" "secret" $secret "key" $keys.encryptionKey) }}
- name: LIF_ENVIRONMENT
  value: "production"
- name: LIF_MIGRATE_ON_START
  value: {{ $root.Values.migrations.onStart | toString | quote }}
{{- if .slack }}
{{- if eq $root.Values.slack.mode "oauth" }}
{{ include "lif-coach.secretEnv" (dict "name" "SLACK_CLIENT_ID" "secret" $secret "key" $keys.slackClientId) }}
{{ include "lif-coach.secretEnv" (dict "name" "SLACK_CLIENT_SECRET" "secret" $secret "key" $keys.slackClientSecret) }}
{{- else }}
{{ include "lif-coach.secretEnv" (dict "name" "SLACK_BOT_TOKEN" "secret" $secret "key" $keys.slackBotToken) }}
{{- end }}
{{- if eq $root.Values.slack.mode "socket" }}
{{ include "lif-coach.secretEnv" (dict "name" "SLACK_APP_TOKEN" "secret" $secret "key" $keys.slackAppToken) }}
{{- else }}
{{ include "lif-coach.secretEnv" (dict "name" "SLACK_SIGNING_SECRET" "secret" $secret "key" $keys.slackSigningSecret) }}
{{- end }}
{{ include "lif-coach.secretEnv" (dict "name" "LIF_LLM_API_KEY" "secret" $secret "key" $keys.llmApiKey "optional" true) }}
{{- end }}
{{- with include "lif-coach.chromaUrl" $root }}
- name: LIF_CHROMA_URL
  value: {{ . | quote }}
{{- end }}
- name: PORT
  value: {{ $root.Values.containerPort | quote }}
- name: LIF_METRICS_PORT
  value: {{ $root.Values.metricsPort | quote }}
{{- range $name, $value := $root.Values.config }}
{{- if has $name $reserved }}
{{- fail (printf "config.%s: the chart sets it, or it is a secret (put secrets in the Secret %q)" $name $secret) }}
{{- end }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $root.Values.extraEnv }}
{{- if and (has .name $reserved) (hasKey . "value") }}
{{- fail (printf "extraEnv %s: the chart sets it, or it is a secret (put secrets in the Secret %q)" .name $secret) }}
{{- end }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The writable folders of a read-only container: /tmp (HOME) and /data (LIF_DATA_DIR). */}}
{{- define "lif-coach.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
{{- end }}

{{- define "lif-coach.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: data
  emptyDir:
    sizeLimit: {{ .Values.dataSizeLimit }}
{{- end }}

{{/* The pod-level settings every LIF Coach pod shares. */}}
{{- define "lif-coach.podSpec" -}}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Stops rendering with a clear message when values contradict each other. */}}
{{- define "lif-coach.validate" -}}
{{- if not (has .Values.slack.mode (list "http" "oauth" "socket")) }}
{{- fail (printf "slack.mode is %q: use http, oauth or socket" .Values.slack.mode) }}
{{- end }}
{{- if eq (int .Values.metricsPort) (int .Values.containerPort) }}
{{- fail "metricsPort: give the probes and metrics a port other than containerPort" }}
{{- end }}
{{- if and (eq .Values.slack.mode "socket") (gt (int .Values.replicaCount) 9) }}
{{- fail "replicaCount: Socket Mode allows 10 connections per Slack app, and a rolling update opens one more: use at most 9" }}
{{- end }}
{{- if and (eq .Values.slack.mode "socket") .Values.ingress.enabled }}
{{- fail "ingress.enabled: Socket Mode needs no public endpoint; turn the Ingress off" }}
{{- end }}
{{- if and .Values.chroma.enabled .Values.chroma.externalUrl }}
{{- fail "chroma: set either chroma.enabled (a server in this release) or chroma.externalUrl, not both" }}
{{- end }}
{{- end }}
