#!/usr/bin/env bash
# Keep everything a later report needs on a branch of its own (default: benchmark-results): asv's
# results and the Criterion and count store entries behind them (samples, provenance, failures),
# so every CI run starts from the previous ones, and a fresh clone of the branch can publish the
# same site and report again. The history is versioned apart from the code.
#
#   tools/results_branch.sh restore PATH=DIR...           copy the branch's PATH into DIR
#   tools/results_branch.sh push MESSAGE PATH=DIR...      commit DIR as the branch's PATH, each
#
# A push replaces the branch's whole tree with the PATHs given, so restore first what is to be
# kept. RESULTS_REMOTE (default origin) and RESULTS_BRANCH (default benchmark-results) pick the
# target. A missing branch is not an error: restore starts empty, push creates it as an orphan.
set -euo pipefail

usage() { echo "usage: $0 restore PATH=DIR... | push MESSAGE PATH=DIR..." >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
shift
remote=${RESULTS_REMOTE:-origin}
branch=${RESULTS_BRANCH:-benchmark-results}
tracking="refs/remotes/$remote/$branch"

fetch_branch() {
  git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null 2>&1 || return 1
  git fetch --quiet --no-tags "$remote" "+refs/heads/$branch:$tracking"
}

split() {  # PATH=DIR -> $path $dir, refusing what would escape the branch's tree
  case $1 in
    *=*) path=${1%%=*} dir=${1#*=} ;;
    *) echo "$0: expected PATH=DIR, got '$1'" >&2; exit 2 ;;
  esac
  case /$path/ in
    //|*/../*|*/./*|/-*) echo "$0: bad branch path '$path'" >&2; exit 2 ;;
  esac
}

case $cmd in
  restore)
    fetched=false
    fetch_branch && fetched=true
    for mapping in "$@"; do
      split "$mapping"
      mkdir -p "$dir"
      if $fetched && git cat-file -e "$tracking:$path" 2>/dev/null; then
        git archive "$tracking:$path" | tar -x -C "$dir"
        echo "restored $path from $remote/$branch into $dir"
      elif $fetched && [ "$path" = results ] && git cat-file -e "$tracking:benchmarks.json" 2>/dev/null; then
        # The first layout kept asv's results at the top of the branch.
        git archive "$tracking" | tar -x -C "$dir"
        echo "restored results (top-level layout) from $remote/$branch into $dir"
      else
        echo "no $path on $remote/$branch yet: starting from an empty $dir"
      fi
    done
    ;;
  push)
    [ $# -ge 2 ] || usage
    message=$1
    shift
    for mapping in "$@"; do
      split "$mapping"
      [ -d "$dir" ] || { echo "$0: directory $dir does not exist" >&2; exit 2; }
    done
    work=$(mktemp -d)
    trap 'git worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"' EXIT
    if fetch_branch; then
      git worktree add --quiet --detach "$work" "$tracking"
    else
      git worktree add --quiet --detach "$work" HEAD
      git -C "$work" checkout --quiet --orphan "$branch-new"
      git -C "$work" rm -rfq --ignore-unmatch .
    fi
    find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    for mapping in "$@"; do
      split "$mapping"
      mkdir -p "$work/$path"
      cp -a "$dir"/. "$work/$path"/
    done
    # Lock files, temp files and other hidden scratch files belong to the run, not the history.
    find "$work" -mindepth 1 -name '.*' ! -name .git ! -path "$work/.git/*" -exec rm -rf {} +
    git -C "$work" add -A
    if git -C "$work" diff --cached --quiet; then
      echo "results unchanged: nothing to push"
      exit 0
    fi
    git -C "$work" -c user.name="${GIT_AUTHOR_NAME:-dashbench}" \
      -c user.email="${GIT_AUTHOR_EMAIL:-dashbench@users.noreply.github.com}" \
      commit --quiet -m "$message"
    git -C "$work" push --quiet "$remote" "HEAD:refs/heads/$branch"
    echo "pushed results to $remote/$branch"
    ;;
  *) usage ;;
esac
