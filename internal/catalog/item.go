package catalog

// Line is a product line's fields as an admin sends them.
type Line struct {
	Slug, Name, Description string
}

// Attribute is one name/value pair of an item's attributes, in the order it was given.
type Attribute struct {
	Key, Value string
}

// Item is an item's fields as an admin or an import file gives them.
type Item struct {
	Slug, Name, Description string
	Attributes              []Attribute
}

// AttributeMap returns the item's attributes by name, as the store keeps them.
func (it Item) AttributeMap() map[string]string {
	m := make(map[string]string, len(it.Attributes))
	for _, a := range it.Attributes {
		m[a.Key] = a.Value
	}
	return m
}
