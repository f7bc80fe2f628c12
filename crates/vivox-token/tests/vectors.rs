//! Tokens reproduced byte for byte: the three worked examples of the issue,
//! the other tokens Vivox publishes in its access-token examples, and the
//! claim order of every row of the table.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use vivox_token::{
    Action, ChannelKind, ChannelUri, FixedClock, Grant, MintOptions, Realm, Signer, SigningKey,
    UserUri, Verifier,
};

const ISSUER: &str = "blindmelon-AppName-dev";
const EXP: u64 = 1_600_349_400;

struct Fixture {
    realm: Realm,
    signer: Signer,
    beef: UserUri,
    jerky: UserUri,
    channel: ChannelUri,
}

fn fixture() -> Fixture {
    let realm = Realm::parse(ISSUER, "tla.vivox.com").expect("valid realm");
    let key = SigningKey::new("secret!").expect("non-empty key");
    Fixture {
        signer: Signer::new(realm.clone(), &key),
        beef: realm.user("beef").expect("valid"),
        jerky: realm.user("jerky").expect("valid"),
        channel: realm
            .channel("testchannel", ChannelKind::Group)
            .expect("valid"),
        realm,
    }
}

fn mint(signer: &Signer, grant: &Grant<'_>, vxi: u64) -> String {
    signer
        .mint_with(grant, MintOptions::new().vxi(vxi).expires_at(EXP))
        .expect("same realm")
        .into_string()
}

fn payload_of(token: &str) -> String {
    let payload = token.split('.').nth(1).expect("three parts");
    String::from_utf8(URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("UTF-8")
}

// The three worked examples of the issue.

#[test]
fn user_kicks_user_from_channel() {
    let f = fixture();
    assert_eq!(
        mint(
            &f.signer,
            &Grant::kick(&f.beef, &f.jerky, &f.channel),
            665_000
        ),
        "e30.eyJ2eGkiOjY2NTAwMCwic3ViIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIiwiZiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5iZWVmLkB0bGEudml2b3guY29tIiwiaXNzIjoiYmxpbmRtZWxvbi1BcHBOYW1lLWRldiIsInZ4YSI6ImtpY2siLCJ0Ijoic2lwOmNvbmZjdGwtZy1ibGluZG1lbG9uLUFwcE5hbWUtZGV2LnRlc3RjaGFubmVsQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.kKnWD3smth6KUuRaY11O-yqAbXy2L2wDZeIoDK_098c"
    );
}

#[test]
fn admin_kicks_user_from_channel() {
    let f = fixture();
    let admin = f.realm.admin();
    assert_eq!(
        mint(&f.signer, &Grant::kick(&admin, &f.jerky, &f.channel), 8000),
        "e30.eyJ2eGkiOjgwMDAsInN1YiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5qZXJreS5AdGxhLnZpdm94LmNvbSIsImYiOiJzaXA6YmxpbmRtZWxvbi1BcHBOYW1lLWRldi1BZG1pbkB0bGEudml2b3guY29tIiwiaXNzIjoiYmxpbmRtZWxvbi1BcHBOYW1lLWRldiIsInZ4YSI6ImtpY2siLCJ0Ijoic2lwOmNvbmZjdGwtZy1ibGluZG1lbG9uLUFwcE5hbWUtZGV2LnRlc3RjaGFubmVsQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.7Fn08cctqltxNxPAAeOhPQd4KCsmT1ue1EDIxUNQ3gg"
    );
}

#[test]
fn admin_kicks_user_off_the_server() {
    let f = fixture();
    let (admin, service) = (f.realm.admin(), f.realm.service());
    assert_eq!(
        mint(
            &f.signer,
            &Grant::kick_from_server(&admin, &f.jerky, &service),
            613_642
        ),
        "e30.eyJ2eGkiOjYxMzY0Miwic3ViIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIiwiZiI6InNpcDpibGluZG1lbG9uLUFwcE5hbWUtZGV2LUFkbWluQHRsYS52aXZveC5jb20iLCJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoia2ljayIsInQiOiJzaXA6YmxpbmRtZWxvbi1BcHBOYW1lLWRldi1zZXJ2aWNlQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.jinc73lQ_ZSN4Mb8WLFK7Clu-Se9LG-QifXKfpaa3g4"
    );
}

// Vivox's published examples for the other actions.

#[test]
fn login() {
    let f = fixture();
    assert_eq!(
        mint(&f.signer, &Grant::login(&f.jerky), 933_000),
        "e30.eyJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibG9naW4iLCJ2eGkiOjkzMzAwMCwiZXhwIjoxNjAwMzQ5NDAwLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIn0.5FKsAQz7bRQGGlSZw-KIcCmft7Ic6nT3Ih-TbdYPWwI"
    );
}

#[test]
fn join() {
    let f = fixture();
    assert_eq!(
        mint(&f.signer, &Grant::join(&f.jerky, &f.channel), 444_000),
        "e30.eyJ2eGkiOjQ0NDAwMCwiZiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5qZXJreS5AdGxhLnZpdm94LmNvbSIsImlzcyI6ImJsaW5kbWVsb24tQXBwTmFtZS1kZXYiLCJ2eGEiOiJqb2luIiwidCI6InNpcDpjb25mY3RsLWctYmxpbmRtZWxvbi1BcHBOYW1lLWRldi50ZXN0Y2hhbm5lbEB0bGEudml2b3guY29tIiwiZXhwIjoxNjAwMzQ5NDAwfQ.u7us5eCxOBtuEZuDg1HapEEgxLedLaliIy7gOMfbeko"
    );
}

#[test]
fn join_muted() {
    let f = fixture();
    assert_eq!(
        mint(&f.signer, &Grant::join_muted(&f.jerky, &f.channel), 542_680),
        "e30.eyJ2eGkiOjU0MjY4MCwiZiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5qZXJreS5AdGxhLnZpdm94LmNvbSIsImlzcyI6ImJsaW5kbWVsb24tQXBwTmFtZS1kZXYiLCJ2eGEiOiJqb2luX211dGVkIiwidCI6InNpcDpjb25mY3RsLWctYmxpbmRtZWxvbi1BcHBOYW1lLWRldi50ZXN0Y2hhbm5lbEB0bGEudml2b3guY29tIiwiZXhwIjoxNjAwMzQ5NDAwfQ.N6sZL3F3e-p2KLQlMweXnbGNzE7Qc91rn_uqCEtRjsc"
    );
}

#[test]
fn admin_removes_everyone_from_channel() {
    let f = fixture();
    let admin = f.realm.admin();
    assert_eq!(
        mint(
            &f.signer,
            &Grant::kick_everyone(&admin, &f.channel),
            729_614
        ),
        "e30.eyJ2eGkiOjcyOTYxNCwiZiI6InNpcDpibGluZG1lbG9uLUFwcE5hbWUtZGV2LUFkbWluQHRsYS52aXZveC5jb20iLCJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoia2ljayIsInQiOiJzaXA6Y29uZmN0bC1nLWJsaW5kbWVsb24tQXBwTmFtZS1kZXYudGVzdGNoYW5uZWxAdGxhLnZpdm94LmNvbSIsImV4cCI6MTYwMDM0OTQwMH0.bvNDTcXIHRpckAiFzy3wPiwgYGks4E9_WuEA5HMGpGE"
    );
}

#[test]
fn user_mutes_user() {
    let f = fixture();
    assert_eq!(
        mint(
            &f.signer,
            &Grant::mute(&f.beef, &f.jerky, &f.channel),
            123_456
        ),
        "e30.eyJ2eGkiOjEyMzQ1Niwic3ViIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIiwiZiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5iZWVmLkB0bGEudml2b3guY29tIiwiaXNzIjoiYmxpbmRtZWxvbi1BcHBOYW1lLWRldiIsInZ4YSI6Im11dGUiLCJ0Ijoic2lwOmNvbmZjdGwtZy1ibGluZG1lbG9uLUFwcE5hbWUtZGV2LnRlc3RjaGFubmVsQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.vM9zkCXTORjgv8w7eiMHHHkc4DumTwR_-I06y4SnpHA"
    );
}

#[test]
fn admin_mutes_user() {
    let f = fixture();
    let admin = f.realm.admin();
    assert_eq!(
        mint(
            &f.signer,
            &Grant::mute(&admin, &f.jerky, &f.channel),
            654_321
        ),
        "e30.eyJ2eGkiOjY1NDMyMSwic3ViIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2Lmplcmt5LkB0bGEudml2b3guY29tIiwiZiI6InNpcDpibGluZG1lbG9uLUFwcE5hbWUtZGV2LUFkbWluQHRsYS52aXZveC5jb20iLCJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibXV0ZSIsInQiOiJzaXA6Y29uZmN0bC1nLWJsaW5kbWVsb24tQXBwTmFtZS1kZXYudGVzdGNoYW5uZWxAdGxhLnZpdm94LmNvbSIsImV4cCI6MTYwMDM0OTQwMH0.ix0mFGS1XDXCBXH044f6B2JxutExbH2hZjGqZAwoHH8"
    );
}

#[test]
fn user_mutes_everyone() {
    let f = fixture();
    assert_eq!(
        mint(
            &f.signer,
            &Grant::mute_everyone(&f.beef, &f.channel),
            19_283
        ),
        "e30.eyJ2eGkiOjE5MjgzLCJmIjoic2lwOi5ibGluZG1lbG9uLUFwcE5hbWUtZGV2LmJlZWYuQHRsYS52aXZveC5jb20iLCJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibXV0ZSIsInQiOiJzaXA6Y29uZmN0bC1nLWJsaW5kbWVsb24tQXBwTmFtZS1kZXYudGVzdGNoYW5uZWxAdGxhLnZpdm94LmNvbSIsImV4cCI6MTYwMDM0OTQwMH0.fARLW2eX10ZbiIl_5WIg4bhPbYIhn2xfCcUNySfwBMs"
    );
}

#[test]
fn admin_mutes_everyone() {
    let f = fixture();
    let admin = f.realm.admin();
    assert_eq!(
        mint(
            &f.signer,
            &Grant::mute_everyone(&admin, &f.channel),
            825_647
        ),
        "e30.eyJ2eGkiOjgyNTY0NywiZiI6InNpcDpibGluZG1lbG9uLUFwcE5hbWUtZGV2LUFkbWluQHRsYS52aXZveC5jb20iLCJpc3MiOiJibGluZG1lbG9uLUFwcE5hbWUtZGV2IiwidnhhIjoibXV0ZSIsInQiOiJzaXA6Y29uZmN0bC1nLWJsaW5kbWVsb24tQXBwTmFtZS1kZXYudGVzdGNoYW5uZWxAdGxhLnZpdm94LmNvbSIsImV4cCI6MTYwMDM0OTQwMH0.zpyvlBbVAKatuCeELb0Q1PsCb4tg0yacneL_sYHIVaw"
    );
}

#[test]
fn transcription() {
    let f = fixture();
    assert_eq!(
        mint(
            &f.signer,
            &Grant::transcription(&f.beef, &f.channel),
            542_680
        ),
        "e30.eyJ2eGkiOjU0MjY4MCwiZiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5iZWVmLkB0bGEudml2b3guY29tIiwiaXNzIjoiYmxpbmRtZWxvbi1BcHBOYW1lLWRldiIsInZ4YSI6InRyeG4iLCJ0Ijoic2lwOmNvbmZjdGwtZy1ibGluZG1lbG9uLUFwcE5hbWUtZGV2LnRlc3RjaGFubmVsQHRsYS52aXZveC5jb20iLCJleHAiOjE2MDAzNDk0MDB9.-A0w_fcPCZaG5NMksnbSrGSVXNNt25YqlRjcKcLkGnA"
    );
}

// Claim order of every row of the table, checked on the decoded payload.

#[test]
fn every_row_writes_claims_in_the_table_order() {
    let f = fixture();
    let admin = f.realm.admin();
    let service = f.realm.service();
    let beef = r#""sip:.blindmelon-AppName-dev.beef.@tla.vivox.com""#;
    let jerky = r#""sip:.blindmelon-AppName-dev.jerky.@tla.vivox.com""#;
    let admin_uri = r#""sip:blindmelon-AppName-dev-Admin@tla.vivox.com""#;
    let service_uri = r#""sip:blindmelon-AppName-dev-service@tla.vivox.com""#;
    let channel = r#""sip:confctl-g-blindmelon-AppName-dev.testchannel@tla.vivox.com""#;
    let iss = r#""blindmelon-AppName-dev""#;
    let rows: Vec<(Grant<'_>, String)> = vec![
        (
            Grant::login(&f.beef),
            format!(r#"{{"iss":{iss},"vxa":"login","vxi":7,"exp":{EXP},"f":{beef}}}"#),
        ),
        (
            Grant::join(&f.beef, &f.channel),
            format!(r#"{{"vxi":7,"f":{beef},"iss":{iss},"vxa":"join","t":{channel},"exp":{EXP}}}"#),
        ),
        (
            Grant::join_muted(&f.beef, &f.channel),
            format!(
                r#"{{"vxi":7,"f":{beef},"iss":{iss},"vxa":"join_muted","t":{channel},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::kick(&f.beef, &f.jerky, &f.channel),
            format!(
                r#"{{"vxi":7,"sub":{jerky},"f":{beef},"iss":{iss},"vxa":"kick","t":{channel},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::kick(&admin, &f.jerky, &f.channel),
            format!(
                r#"{{"vxi":7,"sub":{jerky},"f":{admin_uri},"iss":{iss},"vxa":"kick","t":{channel},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::kick_from_server(&admin, &f.jerky, &service),
            format!(
                r#"{{"vxi":7,"sub":{jerky},"f":{admin_uri},"iss":{iss},"vxa":"kick","t":{service_uri},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::kick_everyone(&admin, &f.channel),
            format!(
                r#"{{"vxi":7,"f":{admin_uri},"iss":{iss},"vxa":"kick","t":{channel},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::mute(&f.beef, &f.jerky, &f.channel),
            format!(
                r#"{{"vxi":7,"sub":{jerky},"f":{beef},"iss":{iss},"vxa":"mute","t":{channel},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::mute_everyone(&f.beef, &f.channel),
            format!(r#"{{"vxi":7,"f":{beef},"iss":{iss},"vxa":"mute","t":{channel},"exp":{EXP}}}"#),
        ),
        (
            Grant::mute_everyone_except(&f.beef, &f.jerky, &f.channel),
            format!(
                r#"{{"vxi":7,"sub":{jerky},"f":{beef},"iss":{iss},"vxa":"mute","t":{channel},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::mute_everyone_except(&admin, &f.jerky, &f.channel),
            format!(
                r#"{{"vxi":7,"sub":{jerky},"f":{admin_uri},"iss":{iss},"vxa":"mute","t":{channel},"exp":{EXP}}}"#
            ),
        ),
        (
            Grant::transcription(&f.beef, &f.channel),
            format!(r#"{{"vxi":7,"f":{beef},"iss":{iss},"vxa":"trxn","t":{channel},"exp":{EXP}}}"#),
        ),
    ];
    let verifier = Verifier::new(&SigningKey::new("secret!").expect("non-empty"))
        .with_clock(Arc::new(FixedClock::at_unix_secs(EXP - 90)));
    for (grant, expected) in rows {
        let token = mint(&f.signer, &grant, 7);
        assert_eq!(payload_of(&token), expected);
        let claims = verifier.verify(&token).expect("verifies");
        assert_eq!(claims.action, grant.action());
        assert_eq!(claims.from, grant.from_uri());
        assert_eq!(claims.to.as_deref(), grant.to_uri());
        assert_eq!(claims.subject.as_deref(), grant.subject_uri());
    }
}

#[test]
fn positional_and_unity_uris_in_a_join_token() {
    let f = fixture();
    let player = f.realm.unity_user("p1", "env1").expect("valid");
    let arena = ChannelUri::in_environment(
        &f.realm,
        "arena",
        "env1",
        ChannelKind::Positional(Default::default()),
    )
    .expect("valid");
    let token = mint(&f.signer, &Grant::join(&player, &arena), 1);
    assert_eq!(
        payload_of(&token),
        format!(
            r#"{{"vxi":1,"f":"sip:.blindmelon-AppName-dev.p1.env1.@tla.vivox.com","iss":"blindmelon-AppName-dev","vxa":"join","t":"sip:confctl-d-blindmelon-AppName-dev.arena.env1!p-32-1-1.000-1@tla.vivox.com","exp":{EXP}}}"#
        )
    );
}

#[test]
fn verify_accepts_claims_in_another_order() {
    // A login token signed with `secret!` whose claims are in the order
    // vxi, f, iss, vxa, exp, as some other generators write them.
    let token = "e30.eyJ2eGkiOjkzMzAwMCwiZiI6InNpcDouYmxpbmRtZWxvbi1BcHBOYW1lLWRldi5qZXJreS5AdGxhLnZpdm94LmNvbSIsImlzcyI6ImJsaW5kbWVsb24tQXBwTmFtZS1kZXYiLCJ2eGEiOiJsb2dpbiIsImV4cCI6MTYwMDM0OTQwMH0.YJwjX0P2Pjk1dzFpIo1fjJM21pphfBwHm8vShJib8ds";
    assert!(payload_of(token).starts_with(r#"{"vxi":933000,"f":"#));
    let verifier = Verifier::new(&SigningKey::new("secret!").expect("non-empty"))
        .with_clock(Arc::new(FixedClock::at_unix_secs(EXP - 1)));
    let claims = verifier.verify(token).expect("verifies");
    assert_eq!(claims.action, Action::Login);
    assert_eq!(claims.vxi, 933_000);
    // Same claims as the published token in the canonical order.
    let f = fixture();
    let canonical = mint(&f.signer, &Grant::login(&f.jerky), 933_000);
    assert_eq!(verifier.verify(&canonical), Ok(claims));
}
