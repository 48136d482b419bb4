"""Peak memory of ``tools/infer.py`` on videos of several lengths: a
streaming tool's peak does not grow with the video.

    python benchmarks/bench_memory.py [--config configs/hg2_mpii.py]
        [--checkpoint CKPT] [--frames 300 3000] [--size 1280 720]
        [--path 'pytorch fp32'] [--warm]

Generates a video of one synthetic person with its boxes for each length
(as ``bench_video.py``), runs the tool on it in a process of its own on
one inference path (the same for every length: the path the tool would
choose may differ with the length), and prints the process's peak
resident memory (``wait4``'s ``ru_maxrss``, Linux) and its seconds.
``--warm`` runs the tool once on the first video before measuring, so that
no measured run pays the start-up alone (an int8 model's quantization, an
export), which the cache then holds.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from bench_video import make_video, random_checkpoint  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def peak_rss_mib(cmd, env) -> tuple:
    """Run ``cmd``; its exit status, peak resident MiB and seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN is the maximum
    # over every child so far); stderr is read by a thread meanwhile
    import threading
    err = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, usage.ru_maxrss / 1024,
            time.perf_counter() - start, err[0].decode()[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default='configs/hg2_mpii.py')
    parser.add_argument('--checkpoint')
    parser.add_argument('--frames', type=int, nargs='+', default=[300, 3000])
    parser.add_argument('--size', type=int, nargs=2, default=(1280, 720))
    parser.add_argument('--path', default='pytorch fp32',
                        help="'BACKEND PRECISION'")
    parser.add_argument('--warm', action='store_true')
    args = parser.parse_args()
    backend, precision = args.path.split()[:2]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HG_CACHE_DIR=osp.join(tmp, 'cache'))
        ckpt = args.checkpoint or random_checkpoint(args.config, tmp)
        print(f'tools/infer.py, {args.config}, {args.path}, '
              f'{args.size[0]}x{args.size[1]} videos', flush=True)
        runs = [(n, n == args.frames[0] and args.warm) for n in args.frames]
        if args.warm:
            runs.insert(0, (args.frames[0], False))
        for frames, measured_again in runs:
            video = osp.join(tmp, f'person{frames}.mp4')
            boxes = osp.join(tmp, f'boxes{frames}.json')
            if not osp.exists(video):
                make_video(video, frames, tuple(args.size), boxes)
            cmd = [sys.executable, osp.join(ROOT, 'tools', 'infer.py'),
                   video, args.config, ckpt, '--bboxes', boxes,
                   '--backend', backend, '--precision', precision,
                   '--out-dir', osp.join(tmp, f'out{frames}')]
            rc, mib, seconds, err = peak_rss_mib(cmd, env)
            if rc:
                sys.exit(f'tools/infer.py failed ({rc}):\n{err}')
            if args.warm and frames == args.frames[0] and not measured_again:
                print(f'{frames:6d} frames: warm-up run, {mib:.1f} MiB',
                      flush=True)
                continue
            size = os.path.getsize(video) / 2**20
            print(f'{frames:6d} frames ({size:.0f} MiB of video): peak RSS '
                  f'{mib:7.1f} MiB, {seconds:.0f} s', flush=True)


if __name__ == '__main__':
    main()
