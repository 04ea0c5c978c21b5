const ws = new WebSocket(process.argv[2], ["graphql-ws"]);
ws.onclose = (e) => { console.log(JSON.stringify({code: e.code, reason: e.reason})); };
ws.onerror = () => {};
