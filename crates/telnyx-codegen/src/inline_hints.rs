//! `#[inline]` on every generated function, so that a function is compiled to machine code
//! only in the crate that calls it.
//!
//! rustc emits code for a crate's non-generic functions when it compiles that crate, used or
//! not; an `#[inline]` one is emitted where it is called instead. The client has thousands of
//! conversions, accessors and constructors, and an application calls few of them: with the
//! hint, the client's own build skips the code generation for the rest.

use syn::visit_mut::VisitMut;
use syn::{ImplItemFn, Item, ItemFn};

/// Adds `#[inline]` to each function in `items` that has no inlining attribute; returns how
/// many it marked.
pub fn mark_inline(items: &mut [Item]) -> usize {
    let mut marker = InlineMarker { marked: 0 };
    for item in items.iter_mut() {
        marker.visit_item_mut(item);
    }
    marker.marked
}

struct InlineMarker {
    marked: usize,
}

fn has_inline(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("inline"))
}

impl VisitMut for InlineMarker {
    fn visit_impl_item_fn_mut(&mut self, f: &mut ImplItemFn) {
        if !has_inline(&f.attrs) {
            f.attrs.push(syn::parse_quote!(#[inline]));
            self.marked += 1;
        }
        // Functions nested in a body are the body's own business.
    }

    fn visit_item_fn_mut(&mut self, f: &mut ItemFn) {
        if !has_inline(&f.attrs) {
            f.attrs.push(syn::parse_quote!(#[inline]));
            self.marked += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_get_the_hint_once() {
        let mut file: syn::File = syn::parse_str(
            r#"
            pub mod types {
                impl From<A> for B { fn from(a: A) -> Self { B(a) } }
                impl B { #[inline(always)] pub fn get(&self) -> A { self.0 } }
                pub(super) fn default_b() -> B { B(A) }
            }
            "#,
        )
        .unwrap();
        assert_eq!(mark_inline(&mut file.items), 2);
        let out = prettyplease::unparse(&file);
        assert!(out.contains("#[inline]\n        fn from"), "{out}");
        assert!(
            out.contains("#[inline]\n    pub(super) fn default_b"),
            "{out}"
        );
        assert!(
            !out.contains("#[inline]\n        #[inline(always)]"),
            "{out}"
        );
        assert_eq!(mark_inline(&mut file.items), 0);
    }
}
