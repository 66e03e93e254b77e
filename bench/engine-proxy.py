#!/usr/bin/env python3
"""Counts the requests a publish makes to the Docker engine: listens on a Unix socket of its own, forwards every byte
to the real engine's socket, and writes each request line ("GET /v1.41/images/x/json") it sees from the client to a
file, one a line. bench/run.sh points DOCKER_HOST at it for one untimed publish and stops it by its pid.

Usage: engine-proxy.py LISTEN_SOCKET ENGINE_SOCKET LOG_FILE
"""
import asyncio
import re
import sys

REQUEST = re.compile(rb"(?:^|\r\n)(GET|HEAD|POST|PUT|DELETE|PATCH) (\S+) HTTP/1\.[01]\r\n")


async def pipe(reader, writer, log=None):
    try:
        while data := await reader.read(65536):
            if log is not None:
                for method, path in REQUEST.findall(data):
                    log.write(f"{method.decode()} {path.decode(errors='replace')}\n")
                    log.flush()
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main(listen, engine, log_path):
    log = open(log_path, "a", encoding="utf-8")

    async def handle(client_reader, client_writer):
        engine_reader, engine_writer = await asyncio.open_unix_connection(engine)
        await asyncio.gather(pipe(client_reader, engine_writer, log), pipe(engine_reader, client_writer))

    server = await asyncio.start_unix_server(handle, path=listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
