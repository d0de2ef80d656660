#!/bin/sh
# Makes the distribution, laid out as Unix tools are, and its tarball:
#
#   linkdupes-VERSION/bin/linkdupes                          the launcher (src/main/dist/linkdupes)
#   linkdupes-VERSION/lib/linkdupes.jar                      the program (its class files
#                                                            made new where older than Java 6)
#   linkdupes-VERSION/lib/linkdupes.aot                      its ahead-of-time cache (JDK 25+)
#   linkdupes-VERSION/runtime/                               a jlink image of the modules it uses
#   linkdupes-VERSION/share/man/man1/linkdupes.1
#   linkdupes-VERSION/share/bash-completion/completions/linkdupes
#
# The runtime is linked from the newest JDK on the machine that can link one (the JDKs under
# /usr/lib/jvm, then the one running the build), so users need no Java of their own. Where no
# JDK can link, the distribution is not made and target/linkdupes runs the jar on the JVM the
# user has; the build says so and goes on.
#
# usage: make-dist.sh TARGET_DIR VERSION BUILD_JAVA_HOME
set -eu
target=$1
version=$2
build_jdk=$3
name=linkdupes-$version
dist=$target/dist/$name
here=$(dirname "$0")

# The modules the jar uses: java.desktop for the image decoders that make the HTML report's
# pictures (javax.imageio; 23 MB more of runtime, loaded only when a report is written).
modules=java.base,java.sql,java.desktop

# the newest JDK that has jlink: by the feature number in its release file
feature() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}
jdk=
best=0
for candidate in /usr/lib/jvm/* "$build_jdk"; do
  [ -x "$candidate/bin/jlink" ] || continue
  f=$(feature "$candidate")
  [ -n "$f" ] || continue
  if [ "$f" -gt "$best" ]; then
    best=$f
    jdk=$candidate
  fi
done

launcher_only() {
  echo "note: $1; target/linkdupes runs the jar on the user's own Java" >&2
  rm -rf "$target/dist"
  rm -f "$target/linkdupes" # perhaps a link into the distribution just removed
  cp "$here/linkdupes" "$target/linkdupes"
  chmod 755 "$target/linkdupes"
  exit 0
}

[ -n "$jdk" ] || launcher_only "no JDK with jlink found"

rm -rf "$target/dist"
mkdir -p "$dist/bin" "$dist/lib" "$dist/share/man/man1" "$dist/share/bash-completion/completions"
cp "$here/linkdupes" "$dist/bin/linkdupes"
chmod 755 "$dist/bin/linkdupes"
# On JDK 24 and newer, picocli's class files (Java 5's format, which the AOT cache cannot
# keep) are rewritten in Java 8's: see NewClassFiles.java
if [ "$best" -ge 24 ]; then
  "$jdk/bin/java" "$here/NewClassFiles.java" "$target/linkdupes.jar" "$dist/lib/linkdupes.jar" >/dev/null
else
  cp "$target/linkdupes.jar" "$dist/lib/linkdupes.jar"
fi
cp "$target/linkdupes.1" "$dist/share/man/man1/linkdupes.1"
cp "$target/linkdupes_completion" "$dist/share/bash-completion/completions/linkdupes"

# --generate-cds-archive: the runtime's own class-data archive, used where the AOT cache is not
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --generate-cds-archive --output "$dist/runtime" >/dev/null \
  || launcher_only "jlink of $jdk failed"

# settings for this runtime alone, read by the launcher; see there
if [ "$best" -ge 24 ]; then
  echo "-XX:+UseCompactObjectHeaders" > "$dist/lib/runtime.options"
fi

# The ahead-of-time cache (JEP 483, 514, 515): the classes a run loads, linked, and the
# methods' profiles, recorded by one run of the launcher over a generated tree with
# duplicates, a cache and links made, with -XX:AOTCacheOutput (JDK 25, JEP 514). The
# launcher passes it only when it is there.
if [ "$best" -ge 25 ]; then
  train=$target/aot-training
  rm -rf "$train"
  # 1,500 contents of 1 byte to 146 KiB in 30 folders, half of them with 2 to 4 copies:
  # 3,000 files. Trained over 200 files in 3 folders instead, a dry run of the mixed test
  # tree took 1.53 s (1.27-2.73) against 1.36 s (1.29-1.58), user CPU 1.96 s against 1.68 s
  # (medians of 6, alternating); the real-file tree 1.95 s against 1.88 s.
  i=0
  while [ $i -lt 30 ]; do mkdir -p "$train/d$i"; i=$((i + 1)); done
  i=0
  while [ $i -lt 1500 ]; do
    first=$train/d$((i % 30))/f$i
    head -c $(( (i * 7919) % 150000 + 1 )) /dev/urandom > "$first"
    if [ $((i % 2)) -eq 0 ]; then
      c=1
      while [ $c -lt $((2 + i % 3)) ]; do
        cp "$first" "$train/d$(( (i + c * 7) % 30 ))/f${i}_$c"
        c=$((c + 1))
      done
    fi
    i=$((i + 1))
  done
  # with the HTML report: without its classes in the cache, the page of the mixed tree
  # added 11% to a dry run's time
  LINKDUPES_TRAIN="$dist/lib/linkdupes.aot" "$dist/bin/linkdupes" -v \
      --cache "$train/cache/linkdupes.db" --report "$train/report.html" "$train" \
      > "$train/run.log" 2>&1 \
    || { echo "note: the training run failed (see $train/run.log); no AOT cache" >&2; \
         rm -f "$dist/lib/linkdupes.aot"; }
  rm -rf "$train"
fi

# The .deb, through jpackage, which writes the package's control file (its dependencies from
# the runtime's libraries), copyright and runtime. Its package is then unpacked and laid out as
# the tarball, /usr/lib/linkdupes/{bin,lib,runtime} with /usr/bin/linkdupes a link to
# bin/linkdupes, the man page and completion where man and bash-completion look, and packed
# again, for three reasons, each seen on this build:
#  - jpackage's native launcher asks rpm and dpkg (dpkg -S, dpkg -L, twice) where it was
#    installed, at every start: --version took 0.43-0.54 s with it and 0.22-0.27 s with the
#    launcher of the tarball; and with no dpkg on the PATH it exits 1 without a word;
#  - jpackage copies the jar with a new modification time, which the AOT cache then refuses
#    ("timestamp has changed");
#  - jpackage puts every file under the application's folder.
# (jpackage's maintainer scripts go too: see below.)
# Compressed with zstd: 0.74 s for a 50 MB package, where dpkg-deb's default, xz, took 46.8 s
# for 41 MB (gzip 21.7 s, 52 MB; the same unpacked package, one run each). Made where the
# JDK has jpackage and Debian's dpkg-deb and fakeroot are installed; skipped with a note
# elsewhere.
deb_version=$(echo "$version" | sed 's/-/~/') # 0.1.0~SNAPSHOT sorts before 0.1.0
arch=$(dpkg --print-architecture 2>/dev/null || true)
deb=$target/linkdupes_${deb_version}_$arch.deb
rm -f "$target"/linkdupes_*.deb
if [ -x "$jdk/bin/jpackage" ] && command -v dpkg-deb >/dev/null && command -v fakeroot >/dev/null; then
  work=$target/deb-work
  rm -rf "$work"
  mkdir -p "$work/app"
  cp "$dist/lib/linkdupes.jar" "$work/app/"
  description=$(sed -n 's:.*<description>\(.*\)</description>.*:\1:p' "$here/../../../pom.xml" | head -1)
  root=$work/root
  app=$root/usr/lib/linkdupes
  if DPKG_DEB_COMPRESSOR_TYPE=none "$jdk/bin/jpackage" --type deb --name linkdupes \
      --app-version "$deb_version" --description "$description" \
      --vendor linkdupes --linux-deb-maintainer linkdupes@localhost \
      --linux-app-category utils --license-file "$here/../../../LICENSE" \
      --input "$work/app" --main-jar linkdupes.jar --main-class linkdupes.Main \
      --runtime-image "$dist/runtime" --install-dir /usr/lib \
      --dest "$work/out" > "$work/jpackage.log" 2>&1 \
    && dpkg-deb -R "$work/out/$(basename "$deb")" "$root"; then
    # the tarball's layout, with its files (the jar with the time the AOT cache knows)
    mv "$app/lib/runtime" "$app/runtime"
    rm -rf "$app/bin" "$app/lib" # jpackage's launcher, its library and configuration, an icon
    cp -a "$dist/bin" "$dist/lib" "$app/"
    mkdir -p "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions"
    ln -s ../lib/linkdupes/bin/linkdupes "$root/usr/bin/linkdupes"
    gzip -9n < "$dist/share/man/man1/linkdupes.1" > "$root/usr/share/man/man1/linkdupes.1.gz"
    cp "$dist/share/bash-completion/completions/linkdupes" "$root/usr/share/bash-completion/completions/"
    # jpackage's maintainer scripts do nothing for a command (they are for desktop files and
    # MIME types), and a postrm would keep the package known to dpkg after dpkg -r
    rm -f "$root/DEBIAN/preinst" "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
    # Installed-Size, in KiB, for the files as they now are
    size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    sed -i "s/^Installed-Size:.*/Installed-Size: $size/" "$root/DEBIAN/control"
  fi
  if [ -d "$root/DEBIAN" ] && dpkg-deb --root-owner-group -Zzstd -b "$root" "$deb" >> "$work/jpackage.log" 2>&1; then
    rm -rf "$work"
  else
    rm -f "$deb"
    echo "note: no .deb made: jpackage or dpkg-deb failed (see $work/jpackage.log)" >&2
  fi
else
  echo "note: no .deb made: it needs jpackage (JDK 16+), dpkg-deb and fakeroot" >&2
fi

tar -C "$target/dist" -czf "$target/$name-$(uname -s | tr "[:upper:]" "[:lower:]")-$(uname -m).tar.gz" "$name"
# target/linkdupes is the distribution's launcher: it finds its runtime through the link
ln -sfn "dist/$name/bin/linkdupes" "$target/linkdupes"
