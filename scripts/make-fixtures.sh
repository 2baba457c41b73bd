#!/usr/bin/env bash
# Regenerates roombot's media fixtures under fixtures/media with ffmpeg
# (libvpx, libx264, libopus from Debian). See docs/media.md for the choices.
#
# Reproducible: synthetic lavfi sources only (no randomness), single-threaded
# encoders, -bitexact, fixed GOPs. The output is committed; CI never reruns it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/media
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
[ -f "$font" ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "make-fixtures: installing ${need[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

secs=6 # loop length
mkdir -p "$out"
ff=(ffmpeg -hide_banner -loglevel error -y -nostdin)

# camera <name> <width> <height> <fps>: the lavfi graph for one camera.
# "front": testsrc2 (moving colour pattern) with a white FRONT label.
# "back": SMPTE HD bars with a BACK label that slides across and a frame counter.
camera() {
  local name=$1 w=$2 h=$3 fps=$4 fs=$(( $3 / 5 ))
  case $name in
  front)
    echo "testsrc2=size=${w}x${h}:rate=${fps}:duration=${secs},drawtext=fontfile=${font}:text=FRONT:fontsize=${fs}:fontcolor=white:borderw=3:x=(w-tw)/2:y=(h-th)/2,format=yuv420p" ;;
  back)
    echo "smptehdbars=size=${w}x${h}:rate=${fps}:duration=${secs},drawtext=fontfile=${font}:text=BACK:fontsize=${fs}:fontcolor=black:box=1:boxcolor=yellow:x=mod(n*${w}/(${fps}*${secs})\,w):y=(h-th)/2,drawtext=fontfile=${font}:text=%{n}:fontsize=$(( fs / 2 )):fontcolor=white:x=8:y=8,format=yuv420p" ;;
  esac
}

# name height width fps kbps
variants=(
  "180p 180 320 15 150"
  "360p 360 640 30 500"
  "720p 720 1280 30 1200"
)

for cam in front back; do
  for v in "${variants[@]}"; do
    read -r tag h w fps kbps <<<"$v"
    graph=$(camera "$cam" "$w" "$h" "$fps")
    echo "make-fixtures: $cam-$tag.ivf, $cam-$tag.h264"
    "${ff[@]}" -f lavfi -i "$graph" -c:v libvpx -b:v "${kbps}k" -minrate "${kbps}k" -maxrate "${kbps}k" \
      -g "$fps" -keyint_min "$fps" -deadline good -cpu-used 4 -auto-alt-ref 0 -lag-in-frames 0 \
      -threads 1 -bitexact -f ivf "$out/$cam-$tag.ivf"
    "${ff[@]}" -f lavfi -i "$graph" -c:v libx264 -profile:v baseline -preset veryfast -b:v "${kbps}k" \
      -maxrate "${kbps}k" -bufsize "${kbps}k" -threads 1 -bitexact \
      -x264-params "keyint=${fps}:min-keyint=${fps}:scenecut=0:repeat-headers=1:aud=0:sliced-threads=0" \
      -f h264 "$out/$cam-$tag.h264"
  done
done

# Audio: a 440 Hz tone with a slow envelope and a 0.4 s pause every 2 s, so
# the audio level moves and has silent stretches; Opus 32 kbps, 20 ms frames,
# one packet per Ogg page. The per-packet level (RMS, dBFS) is written beside
# it by astats over the same 960-sample (20 ms) windows.
echo "make-fixtures: audio.ogg"
tone="aevalsrc=exprs='0.5*sin(2*PI*440*t)*(0.6+0.4*sin(2*PI*0.5*t))*gt(mod(t\,2)\,0.4)':s=48000:d=${secs}"
"${ff[@]}" -f lavfi -i "$tone" -c:a libopus -b:a 32k -frame_duration 20 -application voip \
  -page_duration 20000 -bitexact -flags:a +bitexact -f ogg "$out/audio.ogg"
"${ff[@]}" -f lavfi -i "$tone" -af "asetnsamples=n=960:p=1,astats=metadata=1:reset=1,ametadata=mode=print:key=lavfi.astats.Overall.RMS_level:file=-" \
  -f null - | awk -F= '/RMS_level/ { v = $2; if (v == "-inf" || v < -127) v = -127; printf "%d\n", (v < 0 ? -v : 0) + 0.5 }' \
  >"$out/audio.levels"

cat >"$out/manifest.json" <<JSON
{
  "loop_seconds": ${secs},
  "video": [
$(first=1; for cam in front back; do for v in "${variants[@]}"; do read -r tag h w fps kbps <<<"$v";
  for c in vp8:ivf h264:h264; do
    [ $first = 1 ] || printf ',\n'; first=0
    printf '    {"file": "%s-%s.%s", "source": "%s", "codec": "%s", "width": %d, "height": %d, "fps": %d, "kbps": %d}' \
      "$cam" "$tag" "${c#*:}" "$cam" "${c%%:*}" "$w" "$h" "$fps" "$kbps"
  done; done; done; printf '\n')
  ],
  "audio": [
    {"file": "audio.ogg", "source": "mic", "codec": "opus", "levels": "audio.levels", "kbps": 32}
  ]
}
JSON
ls -l "$out"
du -ch "$out"/* | tail -1
