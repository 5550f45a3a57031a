//! The sync frame decoder as the server and the client meet it: raw bytes, possibly deflated,
//! decoded as a request and as a response, and every document id parsed. Any panic is a bug;
//! errors are the expected answer to garbage. A frame that decodes must encode back to a frame
//! that decodes to the same value, and the streaming decoder reads what inflating first reads.
#![no_main]

use enkaku::protocol::{self, DocId, SyncRequest, SyncResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let inflated = protocol::decompress(data).ok();
    // The streaming decoder the server uses reads the same requests as inflating first.
    let streamed = SyncRequest::read_body(data, true, &mut |_| Ok(())).ok();
    if let (Some(streamed), Some(frame)) = (&streamed, &inflated) {
        assert_eq!(SyncRequest::decode(frame).as_ref(), Ok(streamed));
    }
    for frame in [Some(data), inflated.as_deref()].into_iter().flatten() {
        if let Ok(request) = SyncRequest::decode(frame) {
            for m in &request.messages {
                let _ = DocId::parse(&m.doc);
            }
            let again = SyncRequest::decode(&request.encode()).expect("re-encoded request");
            assert_eq!(again, request);
        }
        if let Ok(response) = SyncResponse::decode(frame) {
            let again = SyncResponse::decode(&response.encode()).expect("re-encoded response");
            assert_eq!(again, response);
        }
    }
});
