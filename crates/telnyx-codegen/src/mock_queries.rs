//! Query matchers of progenitor's `httpmock` extension, in the client's own encoding.
//!
//! progenitor's mock matches a query parameter with `query_param(name, value.to_string())`,
//! which needs `Display`: it does not compile for an array (`Vec<T>`) or an untagged
//! string-or-array union, and for other types `Display` need not be the form the client
//! sends. Each such call becomes `<runtime>::match_query(when, name, &value)`, which encodes
//! the value as the client does (an array as the key repeated per item) and matches each pair.

use syn::visit_mut::VisitMut;
use syn::{Expr, Item};

/// Rewrites the query matchers in the mock output; returns how many it rewrote.
pub fn match_queries_as_sent(items: &mut [Item], runtime: &syn::Path) -> usize {
    let mut rewriter = QueryMatchers {
        runtime,
        rewritten: 0,
    };
    for item in items.iter_mut() {
        rewriter.visit_item_mut(item);
    }
    rewriter.rewritten
}

struct QueryMatchers<'a> {
    runtime: &'a syn::Path,
    rewritten: usize,
}

impl VisitMut for QueryMatchers<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != "query_param" || call.args.len() != 2 {
            return;
        }
        let value = &call.args[1];
        let Some(value) = to_string_receiver(value) else {
            return;
        };
        let when = &call.receiver;
        let name = &call.args[0];
        let runtime = self.runtime;
        *expr = syn::parse_quote! { #runtime::match_query(#when, #name, &#value) };
        self.rewritten += 1;
    }
}

/// `x` of an argument written `x.to_string()`.
fn to_string_receiver(arg: &Expr) -> Option<&Expr> {
    match arg {
        Expr::MethodCall(call) if call.method == "to_string" && call.args.is_empty() => {
            Some(&call.receiver)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(source: &str) -> (String, usize) {
        let mut file: syn::File = syn::parse_str(source).unwrap();
        let runtime: syn::Path = syn::parse_str("crate::__codegen").unwrap();
        let n = match_queries_as_sent(&mut file.items, &runtime);
        (prettyplease::unparse(&file), n)
    }

    #[test]
    fn a_query_matcher_encodes_its_value_as_the_client_does() {
        let (out, n) = rewrite(
            r#"impl W {
                pub fn ids<'a, T>(self, value: T) -> Self
                where T: Into<Option<&'a ::std::vec::Vec<::std::string::String>>>,
                {
                    if let Some(value) = value.into() {
                        Self(self.0.query_param("ids", value.to_string()))
                    } else {
                        Self(self.0.query_param_missing("ids"))
                    }
                }
            }"#,
        );
        assert_eq!(n, 1);
        assert!(
            out.contains("Self(crate::__codegen::match_query(self.0, \"ids\", &value))"),
            "{out}"
        );
        assert!(out.contains("self.0.query_param_missing(\"ids\")"), "{out}");
    }

    #[test]
    fn other_matchers_are_left_alone() {
        let source = r#"impl W {
            pub fn body(self, value: &B) -> Self {
                Self(self.0.json_body_obj(value))
            }
            pub fn header(self, value: &str) -> Self {
                Self(self.0.header("x-id", value.to_string()))
            }
        }"#;
        let (out, n) = rewrite(source);
        assert_eq!(n, 0);
        assert!(out.contains("header(\"x-id\", value.to_string())"), "{out}");
    }
}
